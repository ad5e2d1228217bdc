"""python -m anntools.bench: speed and memory of anntools, and side by side with bcftools csq.

1. anntools alone on a synthetic VCF of N variants (default 1,000,000) spread over
   GRCh38 in proportion to chromosome length, with the default reference data.
2. anntools and `bcftools csq` on the same input: the bcftools csq case regions
   joined as contigs of one FASTA + GFF3, with synthetic variants over them.
Each run is a child process, so its peak memory (ru_maxrss) is its own.
The last line: anntools: N variants/s, bcftools csq: M variants/s, ratio R, peak memory X MB
(N and X from 1, with the default data; M and R from 2, where both tools read the same files).
"""
import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .config import reference_dir

CASES = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "reference" / "bcftools_csq_cases"
BASES = "ACGT"


def _chromosomes(ref):
    from .index import load
    idx = load(ref)
    names = [str(i) for i in range(1, 23)] + ["X", "Y", "MT"]
    return [(c, idx.lengths[c]) for c in names]


def synthetic_grch38(path, n, ref, seed=1):
    """n variants, sorted, spread over the chromosomes by length; 90% SNVs, 10% short indels."""
    rng = random.Random(seed)
    chroms = _chromosomes(ref)
    total = sum(length for _, length in chroms)
    with open(path, "w") as out:
        out.write("##fileformat=VCFv4.2\n##reference=GRCh38\n")
        for c, length in chroms:
            out.write(f"##contig=<ID={c},length={length}>\n")
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for c, length in chroms:
            k = max(1, round(n * length / total))
            margin = min(10_000, length // 10)
            for pos in sorted(rng.randrange(margin, length - margin) for _ in range(k)):
                ref_base = rng.choice(BASES)
                r = rng.random()
                if r < 0.9:
                    alt = rng.choice([b for b in BASES if b != ref_base])
                    out.write(f"{c}\t{pos}\t.\t{ref_base}\t{alt}\t50\tPASS\tDP=20\n")
                elif r < 0.95:
                    out.write(f"{c}\t{pos}\t.\t{ref_base}\t{ref_base}{rng.choice(BASES)}\t50\tPASS\tDP=20\n")
                else:
                    out.write(f"{c}\t{pos}\t.\t{ref_base}{rng.choice(BASES)}\t{ref_base}\t50\tPASS\tDP=20\n")


def joined_cases(folder, n, seed=2):
    """One FASTA + GFF3 with each csq case region as a contig, and n variants over them."""
    import pysam
    rng = random.Random(seed)
    fa_path, gff_path, vcf_path = folder / "cases.fa", folder / "cases.gff", folder / "cases.vcf"
    contigs = []
    with open(fa_path, "w") as fa_out, open(gff_path, "w") as gff_out:
        gff_out.write("##gff-version 3\n")
        for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
            fas, gffs = list(case.glob("*.fa")), list(case.glob("*.gff"))
            if not fas or not gffs or case.name.startswith(("ENST00000000000", "ENST00000000001")):
                continue
            with pysam.FastaFile(str(fas[0])) as fa:
                name = fa.references[0]
                seq = fa.fetch(name).upper()
            contig = case.name.replace(".", "_")
            contigs.append((contig, seq))
            fa_out.write(f">{contig}\n" + "\n".join(seq[i:i + 60] for i in range(0, len(seq), 60)) + "\n")
            for line in gffs[0].read_text().splitlines():
                if line.startswith("#") or not line.strip():
                    continue
                f = line.split("\t")
                if f[0] != name:
                    continue
                # IDs must stay unique across contigs: prefix them with the case name
                f[8] = f[8].replace("ID=", f"ID={contig}_").replace("Parent=", f"Parent={contig}_") \
                    .replace(f"ID={contig}_gene:", "ID=gene:" + contig + "_") \
                    .replace(f"ID={contig}_transcript:", "ID=transcript:" + contig + "_") \
                    .replace(f"Parent={contig}_gene:", "Parent=gene:" + contig + "_") \
                    .replace(f"Parent={contig}_transcript:", "Parent=transcript:" + contig + "_")
                f[0] = contig
                gff_out.write("\t".join(f) + "\n")
    total = sum(len(s) for _, s in contigs)
    with open(vcf_path, "w") as out:
        out.write("##fileformat=VCFv4.2\n")
        for c, s in contigs:
            out.write(f"##contig=<ID={c},length={len(s)}>\n")
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for c, s in contigs:
            k = max(1, round(n * len(s) / total))
            for pos in sorted(set(rng.randrange(2, len(s) - 2) for _ in range(k))):
                ref_base = s[pos - 1]
                if ref_base not in BASES:
                    continue
                alt = rng.choice([b for b in BASES if b != ref_base])
                out.write(f"{c}\t{pos}\t.\t{ref_base}\t{alt}\t50\tPASS\t.\n")
    return fa_path, gff_path, vcf_path


def _count(vcf):
    with open(vcf, "rb") as fh:
        return sum(1 for line in fh if not line.startswith(b"#"))


def _child(cmd):
    """Run a command; (seconds, its peak RSS in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit(f"{cmd[0]} failed: {done.stderr[-2000:]}")
    dt = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return dt, max(peak, before) / 1024


def _anntools_cmd(vcf, out, ref, extra=()):
    return [sys.executable, "-m", "anntools", str(vcf), "-o", str(out), "--reference-dir", str(ref), *extra]


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m anntools.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", type=int, default=1_000_000)
    ap.add_argument("--csq-variants", type=int, default=300_000)
    ap.add_argument("--reference-dir", default=None)
    args = ap.parse_args(argv)
    ref = reference_dir(args.reference_dir)
    with tempfile.TemporaryDirectory(prefix="anntools-bench-") as tmp:
        tmp = Path(tmp)
        vcf = tmp / "synthetic.vcf"
        synthetic_grch38(vcf, args.variants, ref)
        n = _count(vcf)
        dt, peak = _child(_anntools_cmd(vcf, tmp / "out1", ref))
        rate = n / dt
        print(f"1. anntools, GRCh38 default data: {n:,} variants in {dt:.1f} s = {rate:,.0f} variants/s, "
              f"peak memory {peak:,.0f} MB", flush=True)
        fa, gff, cvcf = joined_cases(tmp, args.csq_variants)
        m = _count(cvcf)
        dt_a, _ = _child(_anntools_cmd(cvcf, tmp / "out2", ref, ["--gff", str(gff), "--fasta", str(fa)]))
        a_rate = m / dt_a
        bcftools = shutil.which("bcftools")
        if bcftools:
            dt_b, _ = _child([bcftools, "csq", "-f", str(fa), "-g", str(gff), "-l", "-Ov",
                              "-o", os.devnull, str(cvcf)])
            b_rate = m / dt_b
            b_text, ratio = f"{b_rate:,.0f} variants/s", f"{a_rate / b_rate:.2f}"
        else:
            b_text, ratio = "not installed (apt-get install bcftools)", "n/a"
        print(f"2. csq case regions, {m:,} variants: anntools {a_rate:,.0f} variants/s "
              f"({dt_a:.1f} s), bcftools csq {b_text}; ratio {ratio} = anntools / bcftools csq "
              "on this same input", flush=True)
        # the line the issue asks for: N from 1 (the default data), M and R from 2 (same input)
        print(f"anntools: {rate:,.0f} variants/s, bcftools csq: {b_text.split(' (')[0]}, "
              f"ratio {ratio}, peak memory {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
