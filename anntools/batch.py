"""A chunk's plain SNVs annotated together, writing what Annotator.annotate writes line by line.

A plain SNV: one REF base, one different ALT base (A, C, G, T or N), on a chromosome the
file may use, no liftover. Per chromosome of the chunk, numpy expands SNV x transcript pairs
from the index's bins (GeneIndex.arrays; the order near() gives) and classifies every pair at
once: before or after the transcript (with the distance), inside a transcript of which only
the span is installed, deep in an intron (8+ bases from both exons: one searchsorted in the
chromosome's exons), or other. A line whose pairs are all of the first kinds gets its CSQ
entries here, from the annotator's per-transcript pieces; the rest (near or in an exon, mode
most_severe with any transcript) are left to Annotator.annotate, the per-line reference.
Coordinates as in the engine: the SNV at POS p is the 0-based base s = p - 1.
"""
import numpy as np

from .annotator import (_COMP1, _INTRON_RANK, _flank_entry, _info, _intergenic_entry,
                        _intron_entry, _known_fields, _span_entry)
from .build_index import BIN_SHIFT
from .config import FLANK
from .regions import RANK as REGION_RANK
from .terms import IMPACT, SEVERITY

# pair classes
BEFORE, AFTER, SPAN, INTRON, OTHER = range(5)
# 8 bases of intron next to each exon hold splice sites and regions: effect() decides there
SPLICE_REACH = 8


class SnvBatch:
    def __init__(self, ann):
        self.ann = ann
        self._chroms = {}   # VCF CHROM -> GRCh38 name, or None when annotate must refuse it

    def annotate(self, records):
        """For a chunk of parsed data lines (field lists): per line, (INFO additions, CSQ
        entries) for the plain SNVs written here, None for those left to Annotator.annotate."""
        out = [None] * len(records)
        if self.ann.lift is None:
            for chrom, snvs in self._plain_snvs(records).items():
                self._annotate_chrom(chrom, *snvs, out)
        return out

    def _plain_snvs(self, records):
        """{GRCh38 chrom: ([record index], [pos0], [REF], [ALT])} of the chunk's plain SNVs."""
        ann = self.ann
        idx, lengths, allowed, chroms = ann.idx, ann.lengths, ann.allowed, self._chroms
        found = {}
        for i, f in enumerate(records):
            ref, alt = f[3], f[4]
            if len(ref) != 1 or len(alt) != 1:
                continue
            if not (ref.isupper() and alt.isupper()):
                ref, alt = ref.upper(), alt.upper()
            if alt == ref or alt not in _COMP1:
                continue
            name = f[0]
            chrom = chroms.get(name, 0)
            if chrom == 0:
                chrom = idx.chrom(name)
                if chrom is not None and (chrom not in lengths or
                                          (allowed is not None and chrom not in allowed)):
                    chrom = None
                chroms[name] = chrom
            if chrom is None:
                continue
            pos0 = int(f[1]) - 1
            if pos0 >= lengths[chrom]:
                continue   # annotate says why
            c = found.get(chrom)
            if c is None:
                c = found[chrom] = ([], [], [], [])
            c[0].append(i)
            c[1].append(pos0)
            c[2].append(ref)
            c[3].append(alt)
        return found

    def _annotate_chrom(self, chrom, ids, pos0s, refs, alts, out):
        ann = self.ann
        idx = ann.idx
        arr = idx.arrays(chrom)
        line, tid, cls, value = _pairs(arr, np.array(pos0s, dtype=np.int64))
        # line j has pairs [ends[j], ends[j + 1])
        ends = np.searchsorted(line, np.arange(len(ids) + 1)).tolist()
        skip = set(line[cls == OTHER].tolist()) if ann.mode == "all" else set(line.tolist())
        labels = _intron_labels(arr, line, tid, value, cls == INTRON, pos0s, refs, alts, ann.hgvs)
        # each transcript's pieces once per chunk
        first = arr.first if arr is not None else 0
        uniq, which = np.unique(tid, return_inverse=True)
        ts = [idx.transcripts[first + u] for u in uniq.tolist()]
        sts = [ann.parts(t) for t in ts]
        heads = [st[4][c < 0] if st[4] else None for st, c in
                 zip(sts, arr.cds0[uniq].tolist() if arr is not None else ())]
        which, cls, value = which.tolist(), cls.tolist(), value.tolist()
        get_known, bands = idx.clinvar.get, idx.cytoband
        regions, worst_terms = [], []
        for j, i in enumerate(ids):
            if j in skip:
                continue
            s, ref, alt = pos0s[j], refs[j], alts[j]
            known = get_known((chrom, s + 1, ref, alt))
            existing, clin_sig = _known_fields(known)
            ann.known += bool(known)
            a, b = ends[j], ends[j + 1]
            if a == b:
                csq, genes, region, worst = [_intergenic_entry(alt, existing, clin_sig)], (), \
                    "intergenic", "intergenic_variant"
            else:
                tail = f"|{clin_sig}|"
                csq, genes, rank, region_rank = [], [], 99, 99
                for p in range(a, b):
                    u, c = which[p], cls[p]
                    st = sts[u]
                    if c <= AFTER:
                        side = st[5] if c == BEFORE else st[6]
                        csq.append(_flank_entry(alt, side, existing, value[p], tail))
                        r, rr = side[0], REGION_RANK[side[1]]
                    else:
                        gene = ts[u].gene
                        if gene not in genes:
                            genes.append(gene)
                        if c == SPAN:
                            csq.append(_span_entry(alt, st, existing, tail))
                            r, rr = st[7][0], _SPAN_REGION
                        else:
                            csq.append(_intron_entry(alt, heads[u], labels[p], existing, st, tail))
                            r, rr = _INTRON_RANK, _INTRON_REGION
                    if r < rank:
                        rank = r
                    if rr < region_rank:
                        region_rank = rr
                region, worst = _REGIONS[region_rank], SEVERITY[rank]
            regions.append(region)
            worst_terms.append(worst)
            out[i] = (_info(csq, genes, (region,), (worst,), bands(chrom, s)), csq)
        ann.region_counts.update(regions)
        ann.csq_counts.update(worst_terms)
        ann.impact_counts.update(map(IMPACT.__getitem__, worst_terms))
        ann.alleles += len(regions)


_REGIONS = sorted(REGION_RANK, key=REGION_RANK.__getitem__)
_INTRON_REGION, _SPAN_REGION = REGION_RANK["intron"], REGION_RANK["transcript"]


def _pairs(arr, pos0s):
    """(line, transcript, class, value) per SNV x transcript pair, grouped by line in order;
    transcript is a local id of arr (None: the chromosome has none); value is the distance
    for BEFORE and AFTER, the exon before the intron (index into arr's exons) for INTRON."""
    if arr is None:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    # bins: the transcripts whose span +/- FLANK touches the SNV's bin
    b = np.minimum(pos0s >> BIN_SHIFT, len(arr.bin_offsets) - 2)
    lo = arr.bin_offsets[b]
    count = arr.bin_offsets[b + 1] - lo
    line = np.repeat(np.arange(len(pos0s)), count)
    tid = arr.bin_ids[np.arange(len(line)) + np.repeat(lo - (np.cumsum(count) - count), count)]
    s = pos0s[line]
    start, end = arr.starts[tid], arr.ends[tid]
    keep = np.flatnonzero((start <= s + FLANK) & (end > s - FLANK))   # near()'s test
    line, tid, s, start, end = line[keep], tid[keep], s[keep], start[keep], end[keep]
    before, after = s < start, s >= end
    cls = np.full(len(line), OTHER, dtype=np.int64)
    value = np.zeros(len(line), dtype=np.int64)
    cls[before], value[before] = BEFORE, (start - s)[before]
    cls[after], value[after] = AFTER, (s - end + 1)[after]
    inside = ~(before | after)
    cls[inside & arr.span[tid]] = SPAN
    # deep in an intron: exon g starts at or before s, and s is 8+ bases from it and the next
    cand = np.flatnonzero(inside & arr.introns[tid])
    ct, cs = tid[cand], s[cand]
    g = arr.exon_at(ct, cs)
    nxt = np.minimum(g + 1, len(arr.exon_starts) - 1)
    deep = (g + 1 < arr.exon_first[ct + 1]) & (arr.exon_ends[g] + SPLICE_REACH <= cs) & \
        (cs < arr.exon_starts[nxt] - SPLICE_REACH)
    cls[cand[deep]] = INTRON
    value[cand[deep]] = g[deep]
    return line, tid, cls, value


_MARKS = ("", "-", "*")


def _intron_labels(arr, line, tid, exon, intron, pos0s, refs, alts, with_hgvs):
    """Per pair, for those deep in an intron: 'n/N|' and the HGVSc (c.N+d, c.-N-d, c.*N+d,
    n.N+d: from the nearer flanking exon base, as hgvs.position says); None for the others."""
    labels = [None] * len(line)
    at = np.flatnonzero(intron)
    if not len(at):
        return labels
    line, tid, g = line[at], tid[at], exon[at]
    s = np.asarray(pos0s)[line]
    plus = arr.plus[tid]
    n = arr.exon_first[tid + 1] - arr.exon_first[tid]
    k = g - arr.exon_first[tid]
    numbers = zip(np.where(plus, k + 1, n - 1 - k).tolist(), (n - 1).tolist())
    if not with_hgvs:
        for p, (num, of) in zip(at.tolist(), numbers):
            labels[p] = f"{num}/{of}|"
        return labels
    left, right = arr.exon_ends[g] - 1, arr.exon_starts[g + 1]   # the intron's flanking bases
    up, down = np.where(plus, left, right), np.where(plus, right, left)   # 5', 3'
    d_up, d_down = np.abs(s - up), np.abs(down - s)
    use_up = d_up <= d_down
    base = np.where(use_up, up, down)
    i = arr.tx_index(np.where(use_up == plus, g, g + 1), base, plus)
    c0, c1 = arr.cds0[tid], arr.cds1[tid]
    coding = c0 >= 0
    mark = np.where(coding & (i < c0), 1, np.where(coding & (i >= c1), 2, 0))
    pos = np.where(~coding, i + 1, np.where(i < c0, c0 - i, np.where(i < c1, i - c0 + 1, i - c1 + 1)))
    for p, (num, of), j, cod, m, v, u, d, pl in zip(
            at.tolist(), numbers, line.tolist(), coding.tolist(), mark.tolist(), pos.tolist(),
            use_up.tolist(), np.where(use_up, d_up, d_down).tolist(), plus.tolist()):
        ref, alt = refs[j], alts[j]
        change = f"{ref}>{alt}" if pl else f"{_COMP1[ref]}>{_COMP1[alt]}"
        labels[p] = f"{num}/{of}|{'c.' if cod else 'n.'}{_MARKS[m]}{v}{'+' if u else '-'}{d}{change}"
    return labels
