"""The count log (<name>.vcf.count.log) and the header lines anntools adds to the VCF."""
from .regions import REGION_LABELS, REGION_ORDER

CSQ_FIELDS = ("Allele", "Consequence", "IMPACT", "SYMBOL", "Gene", "Feature_type", "Feature",
              "BIOTYPE", "EXON", "INTRON", "DISTANCE", "STRAND", "MANE_SELECT", "REGION")


def info_header_lines(version):
    fmt = "|".join(CSQ_FIELDS)
    return [
        f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from anntools '
        f'{version}. Format: {fmt}">\n',
        '##INFO=<ID=GENE,Number=.,Type=String,Description="Symbols of the genes whose transcripts '
        'contain the variant (anntools)">\n',
        '##INFO=<ID=REGION,Number=A,Type=String,Description="Most severe region of each ALT allele '
        f'over all transcripts, one of {",".join(REGION_ORDER)} (anntools; up/downstream = within '
        '5 kb)">\n',
        '##INFO=<ID=CYTOBAND,Number=1,Type=String,Description="Cytoband of POS, UCSC hg38 (anntools)">\n',
    ]


def write_log(path, *, name, status, detected, used_build, gene_models, lines, variants,
              alleles, region_counts, pair_counts, problems, n_problems=0, message=None):
    """Write the human-readable count log. `problems` is [(line number, reason)]."""
    out = [f"anntools annotation log for {name}", f"Status: {status}"]
    if message:
        out += ["", message]
    if detected is not None:
        if detected.declared:
            out.append(f"Input build: {detected.build} (from the header: {detected.evidence})")
        else:
            out.append(f"Input build: not declared ({detected.evidence}); assumed GRCh38")
    if used_build:
        out.append(f"Annotated against: {used_build}")
    if gene_models:
        out.append(f"Gene models: {gene_models}")
    if region_counts is not None:
        out += ["", f"Data lines read: {lines}", f"Variants annotated: {variants}",
                f"ALT alleles annotated: {alleles}", f"Lines that could not be read: {n_problems}"]
        out += ["", "ALT alleles by most severe region:"]
        out += [f"  {r:<11} {region_counts.get(r, 0):>9}  {REGION_LABELS[r]}" for r in REGION_ORDER]
        out += ["", "Allele x transcript pairs by region (all transcripts counted, so the total "
                    "may exceed the number of alleles):"]
        out += [f"  {r:<11} {pair_counts.get(r, 0):>9}" for r in REGION_ORDER if r != "intergenic"]
    if problems:
        out += ["", "Lines that could not be read (line number: reason):"]
        out += [f"  line {n}: {reason}" for n, reason in problems]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")
