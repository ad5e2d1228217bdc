"""A transcript seen in its own orientation: genomic <-> transcript <-> CDS coordinates.

All genomic coordinates 0-based half-open; transcript (tx) indexes 0-based
along the spliced exons from the 5' end; the CDS is tx [cds0, cds1) including
the stop codon. Built on demand and cached per transcript by the engine.
"""
from bisect import bisect_right
from itertools import accumulate

from .hgvs import _exonic
from .terms import revcomp


class TxModel:
    __slots__ = ("t", "plus", "starts", "ends", "offsets", "length", "cds0", "cds1", "frame", "_seq",
                 "_introns")

    def __init__(self, t):
        self.t = t
        self.plus = t.strand == 1
        self.starts, self.ends = t.exon_starts, t.exon_ends
        lens = [e - s for s, e in zip(self.starts, self.ends)]
        if self.plus:
            offs = list(accumulate(lens, initial=0))
            self.length = offs.pop()
        else:
            offs = list(accumulate(reversed(lens), initial=0))
            self.length = offs.pop()
            offs.reverse()
        # offsets[k] = tx index of the 5'-most base of genomic exon k
        self.offsets = offs
        self._seq = None
        self._introns = None
        if t.cds_start is not None:
            a, b = self.g2tx(t.cds_start), self.g2tx(t.cds_end - 1)
            if a is not None and b is not None:
                self.cds0, self.cds1 = (a, b + 1) if self.plus else (b, a + 1)
                self.frame = self.cds0 + t.phase
                return
        self.cds0 = self.cds1 = self.frame = None

    @property
    def coding(self):
        return self.cds0 is not None

    def g2tx(self, g):
        """tx index of genomic base g, or None when g is not exonic."""
        k = bisect_right(self.starts, g) - 1
        if k < 0 or g >= self.ends[k]:
            return None
        if self.plus:
            return self.offsets[k] + (g - self.starts[k])
        return self.offsets[k] + (self.ends[k] - 1 - g)

    def tx_change(self, s, e, alt):
        """(lo, hi, alt in tx orientation) when genomic [s, e) -> alt lies wholly in exonic sequence."""
        if e > s:
            a, b = self.g2tx(s), self.g2tx(e - 1)
            if a is None or b is None or abs(b - a) != e - s - 1:
                return None
            return (a, b + 1, alt) if self.plus else (b, a + 1, revcomp(alt))
        # An insertion between s-1 and s counts as exonic when base s is (the
        # bcftools csq convention at exon edges).
        b = self.g2tx(s)
        if b is None:
            return None
        return (b, b, alt) if self.plus else (b + 1, b + 1, revcomp(alt))

    def sequence(self, seq):
        """Spliced transcript sequence (5'->3'), or None when the chromosome has no sequence."""
        if self._seq is None:
            parts = [seq.fetch(self.t.chrom, s, e) for s, e in zip(self.starts, self.ends)]
            if any(p is None for p in parts):
                return None
            joined = "".join(parts)
            self._seq = joined if self.plus else revcomp(joined)
        return self._seq

    def intron_label(self, k):
        """Intron k (between genomic exons k and k+1): (n/N, 5' flank base, its c./n.
        position, 3' flank base, its position), computed once per intron: the annotator's
        deep-intron fast path then needs only a subtraction for HGVS."""
        if self._introns is None:
            self._introns = {}
        hit = self._introns.get(k)
        if hit is None:
            n = len(self.starts)
            a, b = self.ends[k], self.starts[k + 1]
            up, down = (a - 1, b) if self.plus else (b, a - 1)
            num = k + 1 if self.plus else n - 1 - k
            hit = self._introns[k] = (f"{num}/{n - 1}", up, _exonic(self, self.g2tx(up)),
                                      down, _exonic(self, self.g2tx(down)))
        return hit

    def introns(self, s, e):
        """Indexes k of introns (between genomic exon k and k+1) within 10 bases of [s, e)."""
        lo = max(bisect_right(self.ends, s - 11) - 1, 0)
        out = []
        for k in range(lo, len(self.starts) - 1):
            if self.ends[k] - 10 > max(e, s + 1):
                break
            if self.ends[k] - 10 <= max(e, s + 1) and s <= self.starts[k + 1] + 10:
                out.append(k)
        return out
