"""Where an allele falls in one transcript: region class, exon/intron number, distance.

Spans are 0-based half-open reference intervals [s, e); an insertion is the
empty span s == e, meaning "between base s-1 and base s".
"""
from bisect import bisect_left, bisect_right

# Most severe first; a variant's REGION is the first of these any transcript gives.
REGION_ORDER = ("CDS", "exon", "5UTR", "3UTR", "ncRNA_exon", "intron", "transcript",
                "upstream", "downstream", "intergenic")
RANK = {r: i for i, r in enumerate(REGION_ORDER)}
REGION_LABELS = {
    "CDS": "coding exon (CDS)", "exon": "exon, coding/UTR split not installed",
    "5UTR": "5' UTR", "3UTR": "3' UTR", "ncRNA_exon": "non-coding exon", "intron": "intron",
    "transcript": "in a gene whose exon structure is not installed",
    "upstream": "upstream (within 5 kb)", "downstream": "downstream (within 5 kb)",
    "intergenic": "intergenic",
}


def allele_span(pos0, ref, alt):
    """Reference span an ALT changes, trimming the bases REF and ALT share.

    The shared suffix goes first (leaving at least the anchor base), then the
    shared prefix, so an indel in a repeat lands right after the anchor base
    (the placement bcftools csq uses for consequences).
    """
    if not alt or alt[0] in "<*." or "[" in alt or "]" in alt or not alt.isalpha():
        return pos0, pos0 + len(ref)   # symbolic/breakend/star: the REF span
    m = 0
    while m < len(ref) - 1 and m < len(alt) - 1 and ref[-1 - m] == alt[-1 - m]:
        m += 1
    n = 0
    while n < len(ref) - m and n < len(alt) - m and ref[n] == alt[n]:
        n += 1
    if n + m == len(ref) == len(alt):  # ALT == REF: nothing changes; place it on REF
        return pos0, pos0 + len(ref)
    return pos0 + n, pos0 + len(ref) - m


def allele_change(pos0, ref, alt, end=None):
    """(s, e, inserted bases, kind) for one ALT; kind: "" for sequence alleles, else
    "ins"/"del" (symbolic <INS...>/<DEL...>), "sv" (other symbolic), "bnd" (breakend),
    "star" (spanning deletion) or "ref" (ALT same as REF: no change)."""
    if alt.isalpha():
        if alt == ref:
            return pos0, pos0 + len(ref), alt, "ref"
        s, e = allele_span(pos0, ref, alt)
        inserted = alt[s - pos0:len(alt) - (pos0 + len(ref) - e)]
        return s, e, inserted, ""
    if alt.startswith("<"):
        kind = "ins" if alt[1:4] in ("INS", "DUP") else ("del" if alt[1:4] == "DEL" else "sv")
        if kind == "ins":
            return pos0 + 1, pos0 + 1, "", kind
        stop = end if end and end > pos0 + 1 else pos0 + len(ref)
        return pos0 + 1 if len(ref) == 1 and stop > pos0 + 1 else pos0, stop, "", kind
    if alt == "*":
        return pos0, pos0 + len(ref), "", "star"
    return pos0, pos0 + 1, "", "bnd"


def _overlaps(s, e, a, b):
    if s == e:   # insertion: inside only when both neighbouring bases are
        return a < s < b
    return s < b and a < e


def locate(t, s, e):
    """(region, exon 'n/N' or '', intron 'n/N' or '', distance or '') of span [s, e) in transcript t."""
    ins = s == e
    if (s <= t.start) if ins else (e <= t.start):
        dist = t.start - (s if ins else e) + 1
        return ("upstream" if t.strand == 1 else "downstream"), "", "", str(dist)
    if s >= t.end:
        dist = s - t.end + 1
        return ("downstream" if t.strand == 1 else "upstream"), "", "", str(dist)
    if t.kind == "span":
        return "transcript", "", "", ""
    starts, ends = t.exon_starts, t.exon_ends
    n = len(starts)
    hit = None
    for k in range(max(bisect_right(starts, s) - 1, 0), n):
        if starts[k] >= (s if ins else e):
            break
        if _overlaps(s, e, starts[k], ends[k]):
            hit = k
            break
    if hit is None:
        # intron k (genomic order) lies between exon k and exon k+1
        k = min(max(bisect_right(ends, s) - 1, 0), n - 2)
        num = k + 1 if t.strand == 1 else n - 1 - k
        return "intron", "", f"{num}/{n - 1}", ""
    exon, intron = f"{hit + 1 if t.strand == 1 else n - hit}/{n}", ""
    if e - s > 1 and (e > ends[hit] or s < starts[hit]):
        exon, intron = _numbers(t, s, e, hit)
    if t.kind != "coding":
        return ("exon" if t.biotype == "protein_coding" else "ncRNA_exon"), exon, intron, ""
    if _overlaps(s, e, t.cds_start, t.cds_end):
        return "CDS", exon, intron, ""
    before = (s if ins else e) <= t.cds_start
    five = before if t.strand == 1 else not before
    return ("5UTR" if five else "3UTR"), exon, intron, ""


def _numbers(t, s, e, hit):
    """EXON and INTRON of a span reaching past exon `hit` (genomic order), the first it
    overlaps: as VEP writes them, 'first-last/N' in transcript order, every exon and
    intron the span touches ('' for no intron)."""
    starts, ends, n = t.exon_starts, t.exon_ends, len(t.exon_starts)
    last = bisect_left(starts, e) - 1           # the last exon starting before e
    lo_i = hit - 1 if hit > 0 and s < starts[hit] else hit    # intron k: exons k and k+1
    hi_i = last if last < n - 1 and ends[last] < e else last - 1
    if t.strand == 1:
        exons, introns = (hit + 1, last + 1), (lo_i + 1, hi_i + 1)
    else:
        exons, introns = (n - last, n - hit), (n - 1 - hi_i, n - 1 - lo_i)
    intron = _range(introns, n - 1) if lo_i <= hi_i else ""
    return _range(exons, n), intron


def _range(pair, total):
    a, b = pair
    return f"{a}/{total}" if a == b else f"{a}-{b}/{total}"
