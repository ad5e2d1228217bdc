"""HGVS c./n. and p. notation for one allele on one transcript.

c. positions count from the A of the start codon (c.-N in the 5' UTR, c.*N in
the 3' UTR, c.N+d / c.N-d in introns); n. for non-coding transcripts. Indels
are shifted 3' along the transcript, as HGVS requires, when the reference
sequence is installed; otherwise they are written as given and the note says so.
p. of an indel is read from the changed sequence, past the codons it touches: a
frameshift from its first changed residue to the new frame's stop, an in-frame indel
at its 3'-most place (a dup where the new residues repeat the ones before).
"""
from bisect import bisect_right

from .consequence import _table, shift_range
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
    if "start_lost" in terms:
        return "p.Met1?"
    if "frameshift_variant" in terms:
        if coding.indel is None:
            return f"p.{_aa(ref[:1])}{pos}fs" if ref else "p.?"
        fs = _new_frame(*coding.indel)
        return _frameshift_p(pos + fs[0], *fs[1:]) if fs else "p.?"
    if coding.indel is not None:
        return _inframe_p(*_peptide_change(*coding.indel))
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


def _frameshift_p(pos, ref, alt, n):
    """p. of a frameshift from its first changed residue; n codons to the new stop (0: none seen)."""
    if not alt:   # the transcript ends inside the new codon: HGVS's short form
        return f"p.{_aa(ref)}{pos}fs"
    if alt == "*":   # an immediate stop is a nonsense change, not a frameshift
        return f"p.{_aa(ref)}{pos}Ter"
    stop = f"Ter{n}" if n else "Ter?"
    if ref == "*":   # the stop codon itself changes: HGVS calls that an extension
        return f"p.Ter{pos}{_aa(alt)}ext{stop}"
    return f"p.{_aa(ref)}{pos}{_aa(alt)}fs{stop}"


def _inframe_p(pos, r, a, before, after):
    """p. of an in-frame indel already shifted 3' (see _peptide_change)."""
    if r == a:
        return f"p.{_aa(r)}{pos}="
    if r:
        rng = f"{_aa(r[0])}{pos}" if len(r) == 1 else f"{_aa(r[0])}{pos}_{_aa(r[-1])}{pos + len(r) - 1}"
        return f"p.{rng}{'del' if not a else 'delins' + _aa(a)}"
    if before == a:   # the new residues repeat the ones before: HGVS prefers dup
        start = pos - len(a)
        return f"p.{_aa(a)}{start}dup" if len(a) == 1 else \
            f"p.{_aa(a[0])}{start}_{_aa(a[-1])}{pos - 1}dup"
    if not before or not after:
        return ""
    return f"p.{_aa(before[-1])}{pos - 1}_{_aa(after)}{pos}ins{_aa(a)}"


def _new_frame(tx, m, first, _last, lo, hi, alt):
    """A frameshift's first changed residue (codons from `first`, ref residue, new residue, ''
    if the transcript ends inside its codon) and the codons from it to the new frame's stop,
    it being 1 (0: no stop in the transcript); None if the protein does not change as far as
    the sequence goes. Every placement of the indel along the transcript gives the same new
    sequence, so this is the 3'-shifted (HGVS) answer too."""
    c1, table = m.cds1, _table(m)
    new = (tx[:lo] + alt + tx[hi:])[first:]   # lo < first: a change in a 5'-incomplete CDS's padding
    i, end = 0, len(new) - 2
    while True:
        if first + i + 3 > c1:   # unchanged up to an incomplete last codon (MT)
            return None
        r = table.get(tx[first + i:first + i + 3], "X")
        if i >= end:
            return i // 3, r, "", 0
        a = table.get(new[i:i + 3], "X")
        if r != a:
            break
        if r == "*":
            return None
        i += 3
    for j in range(i, end, 3):
        if table.get(new[j:j + 3]) == "*":
            return i // 3, r, a, (j - i) // 3 + 1
    return i // 3, r, a, 0


def _peptide_change(tx, m, first, last, lo, hi, alt):
    """The 3'-most description of an in-frame indel at the protein level: (position of the first
    changed residue, ref residues, new residues, the residues before it (as many as are new, to
    spot a duplication), the ref residue after it). Residues are read only as far as the change
    can slide: past the codons [first, last) the two sequences are the same."""
    frame, c1, table = m.frame, m.cds1, _table(m)
    new = (tx[:lo] + alt + tx[hi:c1])[first:]
    n_ref, n_new = (c1 - first) // 3, len(new) // 3

    def ref(k):
        return table.get(tx[first + 3 * k:first + 3 * k + 3], "X")

    def var(k):
        return table.get(new[3 * k:3 * k + 3], "X")

    i = 0   # the longest shared start puts the change as far 3' as it goes
    while i < n_ref and i < n_new and ref(i) == var(i):
        if ref(i) == "*":   # the change lies past the stop: the protein is the same
            return (first - frame) // 3 + 1 + i, "*", "*", "", ""
        i += 1
    j = min(n_ref - (last - first) // 3, n_ref - i, n_new - i)
    while j < n_ref - i and j < n_new - i and ref(n_ref - 1 - j) == var(n_new - 1 - j):
        j += 1
    r = "".join(ref(k) for k in range(i, n_ref - j))
    a = "".join(var(k) for k in range(i, n_new - j))
    before = "".join(ref(k) for k in range(max(i - len(a), (frame - first) // 3), i))
    return (first - frame) // 3 + 1 + i, r, a, before, ref(i) if i < n_ref else ""
