"""python -m anntools IN.vcf [-o OUTDIR]: annotate one file and print the summary."""
import argparse
import sys

from . import AnnotationError, annotate_file


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m anntools", description=__doc__)
    ap.add_argument("vcf", help="input VCF (plain, gzip or bgzip)")
    ap.add_argument("-o", "--outdir", default=".", help="folder for the outputs (default: here)")
    ap.add_argument("--reference-dir", default=None, help="reference folder (default: "
                    "$GAS_REFERENCE_DIR or <repo>/var/reference)")
    ap.add_argument("--mode", choices=("all", "most_severe"), default="all",
                    help="all transcripts (default) or the most severe one per ALT allele")
    ap.add_argument("--gff", default=None, help="annotate against this GFF3 or GTF instead of GRCh38 data")
    ap.add_argument("--fasta", default=None, help="reference FASTA for --gff")
    ap.add_argument("--no-tsv", action="store_true", help="do not write <name>.annot.tsv")
    args = ap.parse_args(argv)
    try:
        result = annotate_file(args.vcf, args.outdir, ref_dir=args.reference_dir, mode=args.mode,
                               gff=args.gff, fasta=args.fasta, tsv=not args.no_tsv)
    except AnnotationError as exc:
        print(f"anntools: {exc}", file=sys.stderr)
        if exc.log_path:
            print(f"log: {exc.log_path}", file=sys.stderr)
        return 2
    print(result.summary)
    print(f"annotated VCF: {result.annot_path}")
    if result.tsv_path:
        print(f"table (TSV): {result.tsv_path}")
    print(f"log: {result.log_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
