"""HGVS c./n. and p. notation for one allele on one transcript.

c. positions count from the A of the start codon (c.-N in the 5' UTR, c.*N in
the 3' UTR, c.N+d / c.N-d in introns); n. for non-coding transcripts. Indels
are shifted 3' along the transcript, as HGVS requires, when the reference
sequence is installed; otherwise they are written as given and the note says so.
"""
from bisect import bisect_right

from .consequence import shift_range
from .terms import THREE, revcomp


NOT_SHIFTED = "indel not shifted 3' (no reference sequence installed)"


class _Outside(Exception):
    """A position beyond the transcript ends: no c. notation for it here."""


def _exonic(m, i):
    if not m.coding:
        return f"{i + 1}"
    if i < m.cds0:
        return f"-{m.cds0 - i}"
    if i < m.cds1:
        return f"{i - m.cds0 + 1}"
    return f"*{i - m.cds1 + 1}"


def position(m, g):
    """HGVS position of genomic base g inside the transcript span."""
    if g < m.t.start or g >= m.t.end:
        raise _Outside()
    i = m.g2tx(g)
    if i is not None:
        return _exonic(m, i)
    k = bisect_right(m.ends, g) - 1          # intron between exon k and k+1
    a, b = m.ends[k], m.starts[k + 1]
    up, down = (a - 1, b) if m.plus else (b, a - 1)   # 5' and 3' flanking exon bases
    d_up, d_down = abs(g - up), abs(down - g)
    if d_up <= d_down:
        return f"{_exonic(m, m.g2tx(up))}+{d_up}"
    return f"{_exonic(m, m.g2tx(down))}-{d_down}"


def _span(m, s, e):
    """'first_last' in transcript order for genomic [s, e)."""
    first, last = (s, e - 1) if m.plus else (e - 1, s)
    p, q = position(m, first), position(m, last)
    return p if first == last else f"{p}_{q}"


def hgvs_c(m, s, e, ref, alt, seq):
    """(HGVS c./n. string without the transcript, note or '')."""
    try:
        return _hgvs_c(m, s, e, ref, alt, seq)
    except _Outside:
        return "", ""


def _hgvs_c(m, s, e, ref, alt, seq):
    prefix = "c." if m.coding else "n."
    note = ""
    if len(ref) != len(alt) and (not ref or not alt):
        if seq is not None and seq.has(m.t.chrom):
            placements = shift_range(seq, m.t.chrom, s, e, alt)
            s, e, alt = placements[-1] if m.plus else placements[0]
        else:
            note = NOT_SHIFTED
    if s < m.t.start or max(e, s + 1) > m.t.end:
        return "", note
    tx_alt = alt if m.plus else revcomp(alt)
    if e - s == 1 and len(alt) == 1:
        tx_ref = ref if m.plus else revcomp(ref)
        return f"{prefix}{position(m, s)}{tx_ref}>{tx_alt}", note
    if not alt:
        return f"{prefix}{_span(m, s, e)}del", note
    if e == s:
        n = len(alt)
        if s <= m.t.start or s >= m.t.end:
            return "", note
        if seq is not None and seq.has(m.t.chrom):
            before = seq.fetch(m.t.chrom, s - n, s) if m.plus else seq.fetch(m.t.chrom, s, s + n)
            if before == alt:
                return f"{prefix}{_span(m, s - n, s) if m.plus else _span(m, s, s + n)}dup", note
        left, right = (s - 1, s) if m.plus else (s, s - 1)
        return f"{prefix}{position(m, left)}_{position(m, right)}ins{tx_alt}", note
    return f"{prefix}{_span(m, s, e)}delins{tx_alt}", note


def _aa(s):
    return "".join(THREE.get(c, "Xaa") for c in s)


def hgvs_p(coding):
    """p. notation from a Coding result, or '' when it cannot be said."""
    terms, ref, alt = coding.terms, coding.ref_aa, coding.alt_aa
    if not coding.p_start or not ref and "inframe_insertion" not in terms:
        return ""
    pos = coding.p_start
    if "frameshift_variant" in terms:
        return f"p.{_aa(ref[:1])}{pos}fs" if ref else "p.?"
    if "start_lost" in terms:
        return "p.Met1?"
    # trim what the two peptides share, moving the position along
    i = 0
    # keep one flanking residue on the right of an insertion so it can be named
    cap = len(ref) - 1 if len(alt) > len(ref) else len(ref)
    while i < cap and i < len(alt) and ref[i] == alt[i]:
        i += 1
    j = 0
    while j < len(ref) - i and j < len(alt) - i and ref[-1 - j] == alt[-1 - j]:
        j += 1
    r, a, p = ref[i:len(ref) - j], alt[i:len(alt) - j], pos + i
    if not r and not a:
        return f"p.{_aa(ref[:1])}{pos}=" if ref else ""
    if "stop_lost" in terms and r[:1] == "*":
        return f"p.Ter{p}{_aa(a[:1])}ext*?"
    if len(r) == 1 and len(a) == 1:
        return f"p.{_aa(r)}{p}{_aa(a)}"
    if not a:
        return f"p.{_aa(r[0])}{p}del" if len(r) == 1 else f"p.{_aa(r[0])}{p}_{_aa(r[-1])}{p + len(r) - 1}del"
    if not r and i > 0 and p - 1 >= pos:
        return f"p.{_aa(ref[i - 1])}{p - 1}_{_aa(ref[i:i + 1] or '*')}{p}ins{_aa(a)}"
    if r:
        rng = f"{_aa(r[0])}{p}" if len(r) == 1 else f"{_aa(r[0])}{p}_{_aa(r[-1])}{p + len(r) - 1}"
        return f"p.{rng}delins{_aa(a)}"
    return ""
