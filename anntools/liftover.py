"""Lift positions to GRCh38 with a UCSC chain file (hg19ToHg38, hg18ToHg38 from open-cravat).

Chain blocks map source [t, t+size) to target [q, q+size); a target on the
'-' strand counts from the far end. Coordinates 0-based half-open.
"""
from bisect import bisect_right

from .sources import chrom_name

_CACHE = {}


class Chain:
    def __init__(self, path):
        blocks = {}
        with open(path) as fh:
            head = None
            for line in fh:
                f = line.split()
                if not f:
                    continue
                if f[0] == "chain":
                    t_name, t_pos = chrom_name(f[2]), int(f[5])
                    q_name, q_size, q_strand, q_pos = chrom_name(f[7]), int(f[8]), f[9], int(f[10])
                    head = blocks.setdefault(t_name, [])
                    continue
                size = int(f[0])
                head.append((t_pos, t_pos + size, q_name, q_pos, q_strand == "-", q_size))
                if len(f) == 3:
                    t_pos += size + int(f[1])
                    q_pos += size + int(f[2])
        self.blocks = {c: sorted(b) for c, b in blocks.items()}
        self.starts = {c: [b[0] for b in bl] for c, bl in self.blocks.items()}

    def _block(self, chrom, pos):
        starts = self.starts.get(chrom)
        if not starts:
            return None
        i = bisect_right(starts, pos) - 1
        # a few earlier blocks may come from other chains that reach further
        for j in range(i, max(i - 4, -1), -1):
            b = self.blocks[chrom][j]
            if b[0] <= pos < b[1]:
                return b
        return None

    def lift(self, chrom, start, end):
        """(chrom, start, end, reverse) on the target for [start, end), or None if it does not
        map in one piece (a gap or a break between chains in the span)."""
        b = self._block(chrom, start)
        if b is None or end > b[1]:
            return None
        t0, _t1, q_chrom, q0, reverse, q_size = b
        s = q0 + (start - t0)
        e = s + (end - start)
        if reverse:
            s, e = q_size - e, q_size - s
        return q_chrom, s, e, reverse


def load(path):
    key = str(path)
    if key not in _CACHE:
        _CACHE[key] = Chain(path)
    return _CACHE[key]
