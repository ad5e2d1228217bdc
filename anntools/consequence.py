"""SO consequence terms of one allele on one transcript, with codons and amino acids.

Rules follow VEP and bcftools csq: splice donor/acceptor = intron bases 1-2 at
the 5'/3' end of an intron; splice region = intron bases 3-8 and exon bases
1-3 next to an intron; coding effects from the codons the change touches,
translated with the standard table or, on MT, the vertebrate mitochondrial one.
An indel in a repeat could sit in several places; a splice term is called only
when every such placement hits the site (as bcftools does), since the caller's
choice of placement is arbitrary.
"""
from bisect import bisect_right

from .terms import MITO, STANDARD, translate


def _splice(m, s, e):
    """Splice terms of the change for model m (genomic coordinates).

    An insertion sits between bases s-1 and s; like bcftools csq it hits a
    donor/acceptor only when it splits the dinucleotide, and the splice region
    when the base that follows it along the transcript lies in the site or the
    region.
    """
    terms = set()
    starts, ends = m.starts, m.ends
    if e - s < 10:
        # quick reject, the common case: no exon edge within 12 bases
        k = bisect_right(starts, s) - 1
        near = False
        for j in (k - 1, k, k + 1):
            if 0 <= j < len(starts) and (abs(starts[j] - s) < 12 or abs(ends[j] - s) < 12):
                near = True
                break
        if not near:
            return terms
    for k in m.introns(s, e):
        a, b = ends[k], starts[k + 1]          # intron [a, b)
        left, right = (a, a + 2), (b - 2, b)
        five, three = (left, right) if m.plus else (right, left)
        if e > s:
            if s < five[1] and five[0] < e:
                terms.add("splice_donor_variant")
            if s < three[1] and three[0] < e:
                terms.add("splice_acceptor_variant")
            region = ((a + 2, min(a + 8, b)), (max(b - 8, a), b - 2), (a - 3, a), (b, b + 3))
            if any(s < y and x < e for x, y in region):
                terms.add("splice_region_variant")
            continue
        if five[0] < s < five[1]:
            terms.add("splice_donor_variant")
            continue            # splits the dinucleotide: the site says it all
        if three[0] < s < three[1]:
            terms.add("splice_acceptor_variant")
            continue
        if b - a <= 2 and s in (a, b):
            # a 2-base intron is all site: an insertion at its edge touches that site
            donor_side = (s == a) == m.plus      # + strand: the donor is at the intron's left
            terms.add("splice_donor_variant" if donor_side else "splice_acceptor_variant")
        nxt = s if m.plus else s - 1
        if a - 3 <= nxt < min(a + 8, b) or max(b - 8, a) <= nxt < b + 3:
            terms.add("splice_region_variant")
    return terms


def shift_range(seq, chrom, s, e, alt):
    """Left-most and right-most equivalent placements of a pure indel, genomic."""
    if seq is None or not seq.has(chrom) or (e > s and alt) or (e == s and not alt):
        return [(s, e, alt)]
    unit = alt if e == s else None
    win = 300
    ref = seq.fetch(chrom, s - win, e + win)
    off = s - win if s - win > 0 else 0
    if e > s:
        ls, le = s, e
        if e - off > len(ref):
            return [(s, e, alt)]
        while ls - 1 >= off and ref[ls - 1 - off] == ref[le - 1 - off]:
            ls, le = ls - 1, le - 1
        rs, re_ = s, e
        while re_ - off < len(ref) and ref[re_ - off] == ref[rs - off]:
            rs, re_ = rs + 1, re_ + 1
        return [(ls, le, ""), (rs, re_, "")]
    left, lu = s, unit
    while left - 1 >= off and ref[left - 1 - off] == lu[-1]:
        left, lu = left - 1, lu[-1] + lu[:-1]
    right, ru = s, unit
    while 0 <= right - off < len(ref) and ref[right - off] == ru[0]:
        right, ru = right + 1, ru[1:] + ru[0]
    return [(left, left, lu), (right, right, ru)]


def splice_terms(m, s, e, alt, seq):
    """Splice terms that hold wherever an indel in a repeat is placed (bcftools csq: an
    indel that can be normalised out of the splice region is not a splice variant)."""
    here = _splice(m, s, e)
    if not here or len(alt) == e - s or (e > s and alt):
        return here
    left = shift_range(seq, m.t.chrom, s, e, alt)[0]   # left-aligned, as normalised VCF
    sets = [here, _splice(m, left[0], left[1])]
    out = set.intersection(*sets)
    if not out and all(sets):   # always at the splice site, just not the same part of it
        out.add("splice_region_variant")
    return out


class Coding:
    """The coding effect: terms plus codon/amino-acid detail (strings may be empty).

    `indel` keeps (tx sequence, model, first, last, lo, hi, alt) of a frameshift or of an
    in-frame indel that touches neither start nor stop, for HGVS p., which reads the
    sequence past the codons the change touches (hgvs.py)."""
    __slots__ = ("terms", "cds_pos", "prot_pos", "p_start", "ref_aa", "alt_aa", "codons", "note",
                 "indel")

    def __init__(self):
        self.terms, self.cds_pos, self.prot_pos, self.p_start = [], "", "", 0
        self.ref_aa = self.alt_aa = self.codons = self.note = ""
        self.indel = None


def _positions(m, lo, hi):
    """VEP's CDS_position and Protein_position of tx change [lo, hi): 'first-last' (one
    number when they are the same), '?' for an end outside the CDS; an insertion is
    placed by the bases either side of it."""
    c0, c1, frame = m.cds0, m.cds1, m.frame
    a, b = (lo, hi - 1) if hi > lo else (lo - 1, lo)
    inside_a, inside_b = c0 <= a < c1, c0 <= b < c1
    if not inside_a and not inside_b:
        return "", ""
    cds = _coords(a - c0 + 1 if inside_a else "?", b - c0 + 1 if inside_b else "?")
    prot = _coords(max((a - frame) // 3 + 1, 1) if inside_a else "?",
                   max((b - frame) // 3 + 1, 1) if inside_b else "?")
    return cds, prot


def _coords(a, b):
    return f"{a}" if a == b else f"{a}-{b}"


def coding_effect(m, lo, hi, alt, seq):
    """Coding terms for tx change [lo, hi) -> alt inside or touching the CDS of model m."""
    out = Coding()
    c0, c1, frame = m.cds0, m.cds1, m.frame
    complete_start = m.t.phase == 0
    out.cds_pos, out.prot_pos = _positions(m, lo, hi)
    if lo < c0 or hi > c1:   # runs into a UTR: the protein effect is not a codon change
        coding_bases = min(hi, c1) - max(lo, c0)
        if lo < c0 < hi <= c0 + 3 and complete_start and _start_rebuilt(m, lo, hi, alt, seq):
            out.terms.append("start_retained_variant")
            return out
        if lo < c1 < hi and _stop_rebuilt(m, lo, hi, alt, seq, out):
            out.terms.append("stop_retained_variant")   # the same protein, stop and all
            return out
        if not alt and coding_bases > 0:
            out.terms.append("frameshift_variant" if coding_bases % 3 else "inframe_deletion")
        else:
            out.terms.append("coding_sequence_variant")
        if lo < c0 + 3 and hi > c0 and complete_start:
            out.terms.append("start_lost")
        if lo < c1 and hi > c1 - 3 and has_stop(m, seq):
            out.terms.append("stop_lost")
        return out
    d = len(alt) - (hi - lo)
    first = frame + ((lo - frame) // 3) * 3 if lo >= frame else frame
    out.p_start = (first - frame) // 3 + 1      # protein position of ref_aa[0]
    touches_start = complete_start and first == c0 and (hi > c0 or lo == hi)
    touches_stop = hi > c1 - 3 or (lo == hi and lo > c1 - 3)
    tx = m.sequence(seq) if seq is not None else None
    if d and touches_start and lo < c0 + 3 and _start_rebuilt(m, lo, hi, alt, seq):
        out.terms.append("start_retained_variant")
        return out
    if d % 3 and touches_stop and hi > c1 - 3 and _stop_rebuilt(m, lo, hi, alt, seq, out):
        out.terms.append("stop_retained_variant")   # TAA -> TAG: the frame ends where it did
        return out
    if d % 3:
        out.terms.append("frameshift_variant")
        if touches_stop and hi > lo:
            out.terms.append("stop_lost")
        if touches_start and lo < c0 + 3 and hi > lo:
            out.terms.append("start_lost")
        out.alt_aa = "X"
        if tx is not None:
            out.ref_aa = translate(tx[first:first + 3], _table(m))
            out.indel = (tx, m, first, None, lo, hi, alt)
        return out
    # the last codon of a CDS whose stop is completed by polyadenylation (MT) or not annotated
    partial = d == 0 and (c1 - frame) % 3 and hi > c1 - (c1 - frame) % 3
    if tx is None:
        out.note = "no reference sequence installed for this chromosome: codons not computed"
        if d:
            out.terms.append("inframe_insertion" if d > 0 else "inframe_deletion")
        elif touches_start and lo < c0 + 3:
            out.terms.append("start_lost")   # any change to ATG loses it
        else:
            out.terms.append("coding_sequence_variant")
            if partial:
                out.terms.append("incomplete_terminal_codon_variant")
        return out
    last = frame + -(-(hi - frame) // 3) * 3 if hi > lo else (first if (lo - frame) % 3 == 0 else first + 3)
    if hi == lo and first == last and first - 3 >= frame and last + 3 <= c1:
        # insertion between two codons: take both neighbours, so p. can name them
        first, last = first - 3, last + 3
        out.p_start -= 1
    ref_w = tx[first:last]
    alt_w = tx[first:lo] + alt + tx[hi:last]
    table = _table(m)
    ref_aa, alt_aa = translate(ref_w, table), translate(alt_w, table)
    out.ref_aa, out.alt_aa = ref_aa, alt_aa
    out.codons = _codons(ref_w, alt_w, lo - first, hi - first, len(alt))
    terms = out.terms
    if partial:   # VEP: no amino acid to compare, so no synonymous/missense call
        terms.extend(("incomplete_terminal_codon_variant", "coding_sequence_variant"))
        return out
    if d == 0:
        if ref_aa == alt_aa:
            terms.append("stop_retained_variant" if "*" in ref_aa else "synonymous_variant")
        elif touches_start and ref_aa[:1] == "M" and alt_aa[:1] != "M":
            terms.append("start_lost")
        elif "*" in ref_aa and "*" not in alt_aa:
            terms.append("stop_lost")
        elif "*" in alt_aa and "*" not in ref_aa:
            terms.append("stop_gained")
        else:
            terms.append("missense_variant")
        return out
    terms.append("inframe_insertion" if d > 0 else "inframe_deletion")
    if "*" in alt_aa and "*" not in ref_aa:
        terms.append("stop_gained")
    if "*" in ref_aa and "*" not in alt_aa:
        terms.append("stop_lost")
    if touches_start and ref_aa[:1] == "M" and alt_aa[:1] != "M":
        terms.append("start_lost")
    if len(terms) == 1:   # no stop or start involved: p. names the 3'-most change
        out.indel = (tx, m, first, last, lo, hi, alt)
    return out


def _start_rebuilt(m, lo, hi, alt, seq):
    """Does an indel over the start codon leave an ATG where translation starts?

    Two readings, as bcftools csq makes them: the ATG stays at the start codon's
    place (what follows may be shifted), or a new ATG lies right before the first
    untouched codon, so the rest of the CDS keeps its frame (a deletion that takes
    the A of ATG and brings in an A from the 5' UTR: ...GA|ATG -> ...G|ATG).
    """
    if m.t.chrom == "MT" or seq is None:
        return False
    tx = m.sequence(seq)
    if tx is None:
        return False
    c0, d = m.cds0, len(alt) - (hi - lo)
    changed = tx[:lo] + alt + tx[hi:]
    if changed[c0:c0 + 3] == "ATG":
        return True
    return hi <= c0 + 3 and c0 + d >= 0 and changed[c0 + d:c0 + d + 3] == "ATG"


def _stop_rebuilt(m, lo, hi, alt, seq, out):
    """Does a change over the stop codon and into the 3' UTR leave the same protein, the
    UTR bases brought in re-forming the stop (TAA|GAA, delete AG: TA+A)? Compared on
    the translation from the first touched codon to the stop, as bcftools csq and VEP do."""
    tx = m.sequence(seq)
    if tx is None or not has_stop(m, seq):
        return False
    first = m.frame + ((max(lo, m.cds0) - m.frame) // 3) * 3
    n = m.cds1 - first
    changed = tx[:lo] + alt + tx[hi:]
    old, new = translate(tx[first:m.cds1], _table(m)), translate(changed[first:first + n], _table(m))
    if new != old:
        return False
    out.p_start = (first - m.frame) // 3 + 1
    out.ref_aa = out.alt_aa = old
    return True


def has_stop(m, seq):
    """Does the model's CDS end in a stop codon? (Not so for incomplete 3' CDS, IG/TR segments.)"""
    tx = m.sequence(seq) if seq is not None and m.coding else None
    if tx is None:
        return True
    return translate(tx[m.cds1 - 3:m.cds1], _table(m)) == "*"


def _table(m):
    return MITO if m.t.chrom == "MT" else STANDARD


def _codons(ref_w, alt_w, a, b, n_alt):
    """VEP-style codons: changed bases in upper case, the rest lower ('cGg/cAg')."""
    if not ref_w and not alt_w:
        return ""
    r = ref_w[:a].lower() + ref_w[a:b].upper() + ref_w[b:].lower()
    x = alt_w[:a].lower() + alt_w[a:a + n_alt].upper() + alt_w[a + n_alt:].lower()
    return f"{r or '-'}/{x or '-'}"
