"""The count log (<name>.vcf.count.log) and the header lines anntools adds to the VCF."""
import re
from itertools import islice

from .annotator import TSV_COLUMNS
from .effects import CSQ_FIELDS
from .regions import REGION_LABELS, REGION_ORDER
from .terms import IMPACTS, SEVERITY


ADDED_KEYS = ("CSQ", "GENE", "REGION", "MOST_SEVERE", "CYTOBAND", "GRCH38_POS")
INPUT_PREFIX = "INPUT_"
# one of our keys as a whole INFO key (not DP_CSQ, not CSQX), at the start or after a ';'
_ADDED_KEY = re.compile(r"(?<![^;])(" + "|".join(ADDED_KEYS) + r")(?![^=;])")
_DECLARED_KEY = re.compile(r"(##INFO=<ID=)(" + "|".join(ADDED_KEYS) + r")(,.*?Description=\")", re.I)


def rename_input_keys(info):
    """The input's own values of keys anntools writes (a file annotated before, by anntools
    or VEP) kept as INPUT_<key>, so that each key appears once and means one thing."""
    if "CSQ" not in info and "GENE" not in info and "REGION" not in info and \
            "SEVERE" not in info and "CYTOBAND" not in info and "GRCH38" not in info:
        return info   # most lines: a few substring tests instead of a regex
    return _ADDED_KEY.sub(INPUT_PREFIX + r"\1", info)


def rename_input_declarations(meta):
    """The header's ##INFO lines for keys anntools writes, renamed as rename_input_keys does."""
    return [_DECLARED_KEY.sub(lambda m: f"{m.group(1)}{INPUT_PREFIX}{m.group(2)}{m.group(3)}(the input's "
                              f"{m.group(2)}, renamed by anntools) ", line) for line in meta]


def info_header_lines(version, lifted_from=None):
    """The header lines for what anntools adds; lifted_from: the input build, for lifted input."""
    fmt = "|".join(CSQ_FIELDS)
    lines = [
        f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from anntools '
        f'{version}. Format: {fmt}">',
        '##INFO=<ID=GENE,Number=.,Type=String,Description="Symbols of the genes whose transcripts '
        'contain the variant (anntools)">',
        '##INFO=<ID=REGION,Number=A,Type=String,Description="Most severe region of each ALT allele '
        f'over all transcripts, one of {",".join(REGION_ORDER)} (anntools; up/downstream = within '
        '5 kb)">',
        '##INFO=<ID=MOST_SEVERE,Number=A,Type=String,Description="Most severe Sequence Ontology '
        'consequence of each ALT allele over all transcripts (anntools, VEP ranking)">',
        '##INFO=<ID=CYTOBAND,Number=1,Type=String,Description="Cytoband on GRCh38 (of POS, or of GRCH38_POS for lifted-over '
        'input), UCSC hg38 (anntools)">',
    ]
    if lifted_from:
        lines.append('##INFO=<ID=GRCH38_POS,Number=1,Type=String,Description="CHROM:POS on GRCh38 '
                     'that the annotations refer to (lifted over by anntools)">')
        lines.append(f'##anntools_coordinates="CHROM and POS are the input\'s, on {lifted_from}; '
                     'the annotations (CSQ, GENE, REGION, CYTOBAND) are of the GRCh38 position in '
                     'GRCH38_POS"')
    return lines


def _table(title, counts, order, labels=None):
    out = ["", title]
    for key in order:
        n = counts.get(key, 0)
        if n or labels is not None:
            label = f"  {labels[key]}" if labels else ""
            out.append(f"  {key:<36} {n:>9}{label}")
    return out


def write_log(path, *, name, status, detected=None, used_build=None, gene_models=None,
              sequence=None, known_source=None, counts=None, problems=(), n_problems=0, n_unplaced=0,
              tidied=(), n_tidied=0, message=None):
    """Write the human-readable count log. `problems` is [(line number, reason)]."""
    out = [f"anntools annotation log for {name}", f"Status: {status}"]
    if message:
        out += ["", message, ""]
    if detected is not None:
        if detected.declared:
            out.append(f"Input build: {detected.build} (from the header: {detected.evidence})")
        else:
            out.append(f"Input build: not declared ({detected.evidence}); assumed GRCh38")
    for label, value in (("Annotated against", used_build), ("Gene models", gene_models),
                         ("Reference sequence", sequence), ("Known variants", known_source)):
        if value:
            out.append(f"{label}: {value}")
    if counts is not None:
        out += ["", f"Data lines read: {counts['lines']}", f"Variants annotated: {counts['variants']}",
                f"ALT alleles annotated: {counts['alleles']}",
                f"ALT alleles matching a known variant: {counts['known']}",
                f"Lines that could not be read: {n_problems - n_unplaced}"]
        if n_unplaced:
            out.append(f"Lines with no place on GRCh38 (liftover chain gaps): {n_unplaced}")
        out += _table("ALT alleles by most severe region:", counts["regions"], REGION_ORDER,
                      REGION_LABELS)
        out += _table("ALT alleles by most severe consequence (Sequence Ontology):",
                      counts["consequences"], SEVERITY)
        out += _table("ALT alleles by impact (most severe consequence):", counts["impacts"],
                      IMPACTS, {k: "" for k in IMPACTS})
    if problems:
        out += ["", "Lines left out of the annotated VCF (line number: reason):"]
        out += [f"  line {n}: {reason}" for n, reason in problems]
    if tidied:
        out += ["", f"Values written as '.' so that VCF readers take them ({n_tidied} lines; "
                    "line number: what):"]
        out += [f"  line {n}: {what}" for n, what in tidied]
        if n_tidied > len(tidied):
            out.append(f"  ... and {n_tidied - len(tidied)} more lines not listed")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")


LIFTED_COLUMN = "GRCH38_POS"   # after ALT, for lifted input: where the annotations refer to


def tsv_header(lifted=False):
    columns = TSV_COLUMNS[:5] + ((LIFTED_COLUMN,) if lifted else ()) + TSV_COLUMNS[5:]
    return "\t".join(columns) + "\n"


def tsv_head(fields, info_added=""):
    """A TSV row's first cells and a tab: CHROM..ALT, then GRCh38 CHROM:POS for lifted
    input (the last INFO key anntools added; '' when the line was not lifted)."""
    head = "\t".join(fields[:5]) + "\t"
    at = info_added.rfind(LIFTED_COLUMN + "=")
    return head if at < 0 else head + info_added[at + len(LIFTED_COLUMN) + 1:] + "\t"


def tsv_rows(heads, entries, counts):
    """<name>.annot.tsv rows: per VCF line its head (CHROM..ALT and a tab) before each of its
    `counts` CSQ entries, their fields tab-separated (entries hold no newline: CSQ values are
    cleaned). The one way rows are made, by the engine and from a stored VCF alike."""
    cells = iter("\n".join(entries).replace("|", "\t").split("\n"))
    return "".join(head + ("\n" + head).join(islice(cells, n)) + "\n"
                   for head, n in zip(heads, counts))


def tsv_from_annotated_vcf(lines):
    """The <name>.annot.tsv text, piece by piece, from the lines (bytes or str) of an
    <name>.annot.vcf: what annotate_file writes as the TSV, for a result kept only as
    its VCF (the web app serves the TSV this way). Streams; memory stays flat."""
    lifted = False
    for line in lines:
        if isinstance(line, bytes):
            line = line.decode("utf-8", "surrogateescape")
        if line.startswith("#"):
            lifted = lifted or line.startswith(f"##INFO=<ID={LIFTED_COLUMN},")
            if line.startswith("#CHROM"):
                yield tsv_header(lifted)
            continue
        fields = line.rstrip("\r\n").split("\t", 8)
        if len(fields) < 8:
            continue
        # ours is the last CSQ key: anntools appends its INFO after the file's own
        csq = next((kv[4:] for kv in reversed(fields[7].split(";")) if kv.startswith("CSQ=")), "")
        if csq:
            entries = csq.split(",")
            yield tsv_rows([tsv_head(fields, fields[7] if lifted else "")], entries, [len(entries)])
