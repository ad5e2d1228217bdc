"""Known variants: ClinVar with dbSNP rsIDs, matched on exact CHROM, POS, REF, ALT
(GRCh38, VCF-normalised as ClinVar publishes them).

By default a ClinVar subset (P/LP, >= multiple submitters, 2024-12-15) that comes with
npm ideogram, read into a dict; its coded columns decode through the key lists in the
.li.gz header. Production adds full ClinVar and dbSNP VCFs, read through tabix.
"""
import gzip
import json
import os
import re
import shutil
from pathlib import Path

from .errors import ReferenceDataMissing
from .sources import chrom_name

CLINVAR_SOURCE = "ClinVar 2024-12-15, Pathogenic/Likely pathogenic subset (npm ideogram 1.53.0)"


def _keys(li_path):
    keys = {}
    with gzip.open(li_path, "rt") as fh:
        for line in fh:
            m = re.match(r"# (\w+) = (\[.*\])\s*$", line)
            if m:
                keys[m.group(1)] = json.loads(m.group(2))
            elif not line.startswith("#"):
                break
    return keys


def read_clinvar(ideogram_dir):
    """{(chrom, pos, ref, alt): (ClinVar VariationID, significance, rsID or '')}"""
    keys = _keys(ideogram_dir / "homo-sapiens-variants.tsv.li.gz")
    sig = keys.get("clinical_significances", [])
    out = {}
    with gzip.open(ideogram_dir / "homo-sapiens-variants.tsv.gz", "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            try:
                significance = sig[int(f[8])]
            except (ValueError, IndexError):
                significance = ""
            rs = "rs" + f[12] if len(f) > 12 and f[12].isdigit() else ""
            out[(chrom_name(f[0]), int(f[1]), f[3], f[4])] = (f[2], significance, rs)
    return out


class KnownVariants:
    """Known variants by exact (chrom, pos, ref, alt): .get(key) -> (ClinVar id, significance, rsID) or None.

    The installed dict answers first; a configured ClinVar VCF (ID = VariationID, INFO CLNSIG
    and RS) and dbSNP VCF (ID = rsID) are looked up through their tabix index at annotation
    time, since a full dbSNP (~1e9 records) does not fit in memory. `vcfs` is
    {"clinvar"|"dbsnp": (path, index path or None)}; `aliases` maps a file's contig names
    (chr1, NC_000001.11, ...) to the engine's.
    """

    def __init__(self, installed, vcfs=None, aliases=None):
        self.installed = installed
        self.vcfs = vcfs or {}
        self.aliases = aliases or {}
        self._files, self._pid, self._last = {}, None, {}
        if not self.vcfs:   # the default: a plain dict lookup, as fast as before (once per allele)
            self.get = installed.get

    def get(self, key, default=None):
        hit = self.installed.get(key)
        if hit is None and "clinvar" in self.vcfs:
            hit = self._at("clinvar", key[0], key[1]).get(key[2:])
        if "dbsnp" in self.vcfs and not (hit and hit[2]):
            rs = self._at("dbsnp", key[0], key[1]).get(key[2:])
            if rs:
                hit = (hit[0], hit[1], rs[2]) if hit else rs
        return default if hit is None else hit

    def _tabix(self, kind):
        import pysam
        if self._pid != os.getpid():   # htslib handles do not survive a fork: one set per process
            self._files, self._pid = {}, os.getpid()
        if kind not in self._files:
            path, index = self.vcfs[kind]
            try:
                tbx = pysam.TabixFile(path, index=index)
            except OSError as exc:
                raise ReferenceDataMissing(
                    f"The known-variant file {path} the index was built with cannot be read ({exc}). "
                    "Run python -m anntools.install_reference with --clinvar/--dbsnp again.")
            contigs = {}
            for c in tbx.contigs:
                contigs.setdefault(self.aliases.get(c) or chrom_name(c), c)
            self._files[kind] = (tbx, contigs)
        return self._files[kind]

    def _at(self, kind, chrom, pos):
        """{(ref, alt): hit} of the file's records at chrom:pos; the last position is kept,
        as each ALT allele of a site asks again."""
        last = self._last.get(kind)
        if last and last[0] == (chrom, pos):
            return last[1]
        tbx, contigs = self._tabix(kind)
        found = {}
        if chrom in contigs:
            for line in tbx.fetch(contigs[chrom], pos - 1, pos):
                f = line.split("\t", 8)
                if int(f[1]) != pos:   # a longer REF that starts before pos overlaps it too
                    continue
                hit = _clinvar_hit(f) if kind == "clinvar" else ("", "", f[2]) if f[2] != "." else None
                for alt in f[4].split(","):
                    found[(f[3], alt)] = hit
        self._last[kind] = ((chrom, pos), found)
        return found


def _clinvar_hit(f):
    info = dict(p.split("=", 1) for p in f[7].split(";") if "=" in p)
    rs = info.get("RS", "").split("|")[0]
    return f[2], info.get("CLNSIG", ""), "rs" + rs if rs else ""


def prepare_vcf(path, ref_dir):
    """(path, index or None) of a VCF that tabix can read, made once at build time.

    A bgzipped, indexed file is used where it is. A bgzipped one with no index gets its
    index in <ref_dir>/known; a plain or gzip one is bgzipped there and indexed.
    """
    import pysam
    src = Path(path).resolve()
    if not src.exists():
        raise FileNotFoundError(f"No such VCF: {src}. Check the --clinvar/--dbsnp path.")
    folder = Path(ref_dir) / "known"
    folder.mkdir(parents=True, exist_ok=True)
    with open(src, "rb") as fh:
        head = fh.read(18)
    bgzf = head[:2] == b"\x1f\x8b" and head[3] & 4 and head[12:14] == b"BC"
    try:
        if bgzf:
            if any(Path(str(src) + ext).exists() for ext in (".tbi", ".csi")):
                return str(src), None
            index = folder / (src.name + ".tbi")
            pysam.tabix_index(str(src), preset="vcf", force=True, index=str(index))
            return str(src), str(index)
        dest = folder / (src.name.removesuffix(".gz") + ".gz")
        with (gzip.open if head[:2] == b"\x1f\x8b" else open)(src, "rb") as i, \
                pysam.BGZFile(str(dest), "wb") as o:
            shutil.copyfileobj(i, o, 1 << 20)
        pysam.tabix_index(str(dest), preset="vcf", force=True)
        return str(dest), None
    except OSError as exc:
        raise RuntimeError(f"Could not index {src} with tabix ({exc}); it must be sorted by "
                           "chromosome and position: bcftools sort -Oz -o sorted.vcf.gz, then run again.")


def describe_vcf(label, path, index=None):
    """'ClinVar VCF clinvar.vcf.gz (fileDate=20241230)': the name and the release the header gives."""
    import pysam
    with pysam.TabixFile(path, index=index) as tbx:
        meta = [h[2:] for h in tbx.header if h.startswith(("##fileDate=", "##dbSNP_BUILD_ID="))]
    return f"{label} VCF {Path(path).name}" + (f" ({', '.join(meta)})" if meta else "")
