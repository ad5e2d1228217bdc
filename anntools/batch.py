"""A chunk's plain SNVs and short indels annotated at once, writing what Annotator.annotate
writes line by line.

Plain: one ALT of bases (A, C, G, T, N) other than REF, on a chromosome the file may use, no
liftover; an SNV, or an indel whose span stays in one bin. Per chromosome of the chunk, numpy
expands variant x transcript pairs from the index's bins (GeneIndex.arrays; the order near()
gives) and classifies every pair at once: before or after the transcript (with the distance),
inside a transcript of which only the span is installed, deep in an intron (8+ bases from both
exons for an SNV, 12+ for an indel of under 10 bases: one searchsorted in the chromosome's
exons), or other. A line whose pairs are all of the first kinds gets its CSQ entries here,
from the annotator's per-transcript pieces; the rest (near or in an exon, an indel where the
sequence is installed and HGVS shifts it 3', mode most_severe with any transcript) are left to
Annotator.annotate, the per-line reference.
Coordinates as in the engine: POS p is the 0-based base p - 1; an allele changes the
reference span [s, e) (an insertion: s == e), as regions.allele_change trims it.
"""
from typing import NamedTuple

import numpy as np

from .annotator import (_COMP1, _INTRON_RANK, _clean, _flank_entry, _info, _intergenic_entry,
                        _intron_entry, _known_fields, _span_entry, _vep_alleles)
from .build_index import BIN_SHIFT
from .config import FLANK
from .hgvs import NOT_SHIFTED
from .regions import RANK as REGION_RANK, allele_change
from .sequence import ref_mismatch
from .terms import IMPACT, RANK, SEVERITY, revcomp

# pair classes
BEFORE, AFTER, SPAN, INTRON, OTHER = range(5)
# bases of intron next to each exon where splice sites and regions may be hit, so effect()
# decides there: 8 for an SNV, 12 for an indel (the annotator's own fast paths use the same)
SNV_REACH, INDEL_REACH = 8, 12
SHORT_INDEL = 10   # longer indels always go through effect()
_NOTE = _clean(NOT_SHIFTED)


class Variants(NamedTuple):
    """One chromosome's plain variants of a chunk, per field a tuple in file order."""
    ids: tuple      # index in the chunk
    pos0: tuple
    refs: tuple
    alts: tuple
    s: tuple        # allele_change: the span changed and the bases put in
    e: tuple
    ins: tuple
    alleles: tuple  # VEP's allele string


class ChunkBatch:
    def __init__(self, ann):
        self.ann = ann
        self._chroms = {}   # VCF CHROM -> GRCh38 name, or None when annotate must refuse it

    def annotate(self, records):
        """For a chunk of parsed data lines (field lists): per line, (INFO additions, CSQ
        entries) for the plain variants written here, None for those left to Annotator.annotate."""
        out = [None] * len(records)
        if self.ann.lift is None:
            for chrom, variants in self._plain(records).items():
                self._annotate_chrom(chrom, variants, out)
        return out

    def _plain(self, records):
        """{GRCh38 chrom: Variants} of the chunk's plain variants."""
        ann = self.ann
        idx, lengths, allowed, chroms = ann.idx, ann.lengths, ann.allowed, self._chroms
        found = {}
        for i, f in enumerate(records):
            ref, alt = f[3], f[4]
            snv = len(ref) == 1 and len(alt) == 1
            if not snv and (len(ref) == len(alt) or not alt.isalpha()):
                continue   # MNVs, symbolic, several ALTs
            if not (ref.isupper() and alt.isupper()):
                ref, alt = ref.upper(), alt.upper()
            if snv and (alt == ref or alt not in _COMP1):
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
            if pos0 + len(ref) > lengths[chrom]:
                continue   # annotate says why
            if snv:
                s, e, ins, allele = pos0, pos0 + 1, alt, alt
            else:
                s, e, ins, _kind = allele_change(pos0, ref, alt)
                if s >> BIN_SHIFT != max(s, e - 1) >> BIN_SHIFT:
                    continue   # near() joins two bins
                allele = _vep_alleles(ref, (alt,))[0]
            v = found.get(chrom)
            if v is None:
                v = found[chrom] = []
            v.append((i, pos0, ref, alt, s, e, ins, allele))
        for chrom, v in found.items():
            if idx.seq.has(chrom):
                found[chrom] = _ref_checked(idx.seq, chrom, v)
        return {chrom: Variants(*zip(*v)) for chrom, v in found.items() if v}

    def _annotate_chrom(self, chrom, v, out):
        ann = self.ann
        idx = ann.idx
        arr = idx.arrays(chrom)
        s, e = np.array(v.s, dtype=np.int64), np.array(v.e, dtype=np.int64)
        indel = (e - s != 1) | (np.fromiter(map(len, v.ins), np.int64, len(v.ins)) != 1)
        # an indel's HGVS is shifted 3' where the sequence is installed: effect() writes it
        line, tid, cls, value = _pairs(arr, s, e, indel, ann.hgvs and idx.seq.has(chrom))
        # the lines written here (all pairs classified), and their pairs
        done = np.ones(len(v.ids), dtype=bool)
        done[line[cls == OTHER] if ann.mode == "all" else line] = False
        keep = np.flatnonzero(done[line])
        line, tid, cls, value = line[keep], tid[keep], cls[keep], value[keep]
        rows = np.flatnonzero(done).tolist()
        # line j has pairs [ends[j], ends[j + 1])
        ends = np.searchsorted(line, np.arange(len(v.ids) + 1)).tolist()
        existing, tails, clin_sigs = self._known(chrom, v, rows)
        # each transcript's pieces once per chunk
        first = arr.first if arr is not None else 0
        uniq, which = np.unique(tid, return_inverse=True)
        ts = [idx.transcripts[first + u] for u in uniq.tolist()]
        sts = [ann.parts(t) for t in ts]
        entries = _entries(arr, v, line, tid, cls, value, uniq, which, sts, indel, existing, tails,
                           ann.hgvs)
        genes = _genes(line, which, cls, [t.gene for t in ts], len(v.ids))
        severity, region = _worst(arr, line, tid, cls, which, sts, len(v.ids))
        get_band, pos0s, ids = idx.cytoband, v.pos0, v.ids
        regions, worst_terms = [], []
        for j in rows:
            a, b = ends[j], ends[j + 1]
            if a == b:
                csq = [_intergenic_entry(v.alleles[j], existing[j], clin_sigs[j])]
                where, worst = "intergenic", "intergenic_variant"
            else:
                csq, where, worst = entries[a:b], _REGIONS[region[j]], SEVERITY[severity[j]]
            regions.append(where)
            worst_terms.append(worst)
            out[ids[j]] = (_info(csq, genes[j], (where,), (worst,),
                                 get_band(chrom, pos0s[j])), csq)
        ann.region_counts.update(regions)
        ann.csq_counts.update(worst_terms)
        ann.impact_counts.update(map(IMPACT.__getitem__, worst_terms))
        ann.alleles += len(regions)

    def _known(self, chrom, v, rows):
        """Per line: Existing_variation, '|CLIN_SIG|' and CLIN_SIG (rows: the lines written
        here, counted as known where a known variant matches)."""
        n = len(v.ids)
        existing, tails, clin_sigs = [""] * n, ["||"] * n, [""] * n
        get_known = self.ann.idx.clinvar.get
        for j in rows:
            known = get_known((chrom, v.pos0[j] + 1, v.refs[j], v.alts[j]))
            if known:
                self.ann.known += 1
                existing[j], clin_sigs[j] = _known_fields(known)
                tails[j] = f"|{clin_sigs[j]}|"
        return existing, tails, clin_sigs


def _entries(arr, v, line, tid, cls, value, uniq, which, sts, indel, existing, tails, with_hgvs):
    """The CSQ entry of every pair, class by class (which: the pair's transcript in uniq and
    sts, the transcripts' _static_parts; existing and tails: per line, from _known)."""
    entries = np.empty(len(line), dtype=object)
    alleles = v.alleles
    at = np.flatnonzero(cls <= AFTER)
    sides = [side for st in sts for side in (st[5], st[6])]   # BEFORE, AFTER
    entries[at] = [_flank_entry(alleles[j], side, existing[j], d, tails[j]) for j, side, d in zip(
        line[at].tolist(), map(sides.__getitem__, (2 * which[at] + cls[at]).tolist()),
        value[at].tolist())]
    at = np.flatnonzero(cls == SPAN)
    entries[at] = [_span_entry(alleles[j], sts[u], existing[j], tails[j])
                   for j, u in zip(line[at].tolist(), which[at].tolist())]
    at = np.flatnonzero(cls == INTRON)
    # the entry's head, with a CDS or without
    heads = [st[4] and st[4][c < 0] for st, c in zip(sts, arr.cds0[uniq].tolist())] \
        if len(at) else []
    labels, notes = _intron_labels(arr, line[at], tid[at], value[at], v, indel, with_hgvs)
    entries[at] = [_intron_entry(alleles[j], heads[u], label, existing[j], sts[u], tails[j], note)
                   for j, u, label, note in zip(line[at].tolist(), which[at].tolist(), labels,
                                                notes)]
    return entries.tolist()


def _genes(line, which, cls, names, n):
    """Per line, its genes in pair order, once each, from the pairs inside a transcript
    (names: gene per unique transcript)."""
    at = np.flatnonzero(cls >= SPAN)
    found = list(map(names.__getitem__, which[at].tolist()))
    bounds = np.searchsorted(line[at], np.arange(n + 1)).tolist()
    return [list(dict.fromkeys(found[a:b])) if a < b else () for a, b in zip(bounds, bounds[1:])]


def _worst(arr, line, tid, cls, which, sts, n):
    """Per line, the most severe consequence's rank (terms.SEVERITY) and the first REGION
    (regions.RANK) of its pairs; lines without pairs get 0, unused."""
    severity, region = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    if not len(line):
        return severity.tolist(), region.tolist()
    # upstream: before a + strand transcript, after a - strand one
    up = (cls == BEFORE) == arr.plus[tid]
    span_rank = np.array([st[7][0] if st[7] else 0 for st in sts], dtype=np.int64)
    pair_severity = np.where(cls <= AFTER, np.where(up, _UP_RANK, _DOWN_RANK),
                             np.where(cls == SPAN, span_rank[which], _INTRON_RANK))
    pair_region = np.where(cls <= AFTER, np.where(up, _UP_REGION, _DOWN_REGION),
                           np.where(cls == SPAN, _SPAN_REGION, _INTRON_REGION))
    starts = np.flatnonzero(np.r_[True, line[1:] != line[:-1]])
    severity[line[starts]] = np.minimum.reduceat(pair_severity, starts)
    region[line[starts]] = np.minimum.reduceat(pair_region, starts)
    return severity.tolist(), region.tolist()


_REGIONS = sorted(REGION_RANK, key=REGION_RANK.__getitem__)
_INTRON_REGION, _SPAN_REGION = REGION_RANK["intron"], REGION_RANK["transcript"]
_UP_REGION, _DOWN_REGION = REGION_RANK["upstream"], REGION_RANK["downstream"]
_UP_RANK, _DOWN_RANK = RANK["upstream_gene_variant"], RANK["downstream_gene_variant"]


def _ref_checked(seq, chrom, v):
    """The variants whose REF is the genome's; the others go to annotate, which says why."""
    lo, hi = min(x[1] for x in v), max(x[1] + len(x[2]) for x in v)
    if hi - lo > 1 << 24:   # unsorted input: base by base rather than one long stretch
        return [x for x in v if not ref_mismatch(seq.fetch(chrom, x[1], x[1] + len(x[2])), x[2])]
    genome = seq.fetch(chrom, lo, hi)
    return [x for x in v if not ref_mismatch(genome[x[1] - lo: x[1] - lo + len(x[2])], x[2])]


def _pairs(arr, s, e, indel, indel_hgvs):
    """(line, transcript, class, value) per variant x transcript pair, grouped by line in order;
    transcript is a local id of arr (None: the chromosome has none); value is the distance
    for BEFORE and AFTER, the exon before the intron (index into arr's exons) for INTRON.
    indel_hgvs: the indels' HGVS needs the sequence, so deep-intron indels are OTHER."""
    if arr is None:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    # bins: the transcripts whose span +/- FLANK touches the variant's bin
    b = np.minimum(s >> BIN_SHIFT, len(arr.bin_offsets) - 2)
    lo = arr.bin_offsets[b]
    count = arr.bin_offsets[b + 1] - lo
    line = np.repeat(np.arange(len(s)), count)
    tid = arr.bin_ids[np.arange(len(line)) + np.repeat(lo - (np.cumsum(count) - count), count)]
    s, e = s[line], e[line]
    last = np.maximum(e, s + 1)   # an insertion is placed at base s
    start, end = arr.starts[tid], arr.ends[tid]
    keep = np.flatnonzero((start < last + FLANK) & (end > s - FLANK))   # near()'s test
    line, tid, s, e, last, start, end = (x[keep] for x in (line, tid, s, e, last, start, end))
    indel = indel[line]
    before, after = last <= start, s >= end
    cls = np.full(len(line), OTHER, dtype=np.int64)
    value = np.zeros(len(line), dtype=np.int64)
    cls[before], value[before] = BEFORE, (start - last + 1)[before]
    cls[after], value[after] = AFTER, (s - end + 1)[after]
    inside = ~(before | after)
    cls[inside & arr.span[tid] & (e > s)] = SPAN
    # deep in an intron: exon g starts at or before s, and [s, e) is reach+ bases from it
    # and the next one
    cand = np.flatnonzero(inside & arr.introns[tid] & (e - s < SHORT_INDEL) &
                          ~(indel & indel_hgvs))
    ct, cs, ce = tid[cand], s[cand], e[cand]
    reach = np.where(indel[cand], INDEL_REACH, SNV_REACH)
    g = arr.exon_at(ct, cs)
    nxt = np.minimum(g + 1, len(arr.exon_starts) - 1)
    deep = (g >= arr.exon_first[ct]) & (g + 1 < arr.exon_first[ct + 1]) & \
        (arr.exon_ends[g] + reach <= cs) & (ce + reach <= arr.exon_starts[nxt])
    cls[cand[deep]] = INTRON
    value[cand[deep]] = g[deep]
    return line, tid, cls, value


_MARKS, _SIGNS, _PREFIXES = ("", "-", "*"), ("-", "+"), ("n.", "c.")
_SNV_CHANGES = {ref + alt: (f"{_COMP1[ref]}>{_COMP1[alt]}", f"{ref}>{alt}")
                for ref in _COMP1 for alt in _COMP1}


def _intron_labels(arr, line, tid, g, v, indel, with_hgvs):
    """Per pair deep in an intron (g: the exon before it): 'n/N|' and the HGVSc, and the NOTE,
    as the annotator writes them (hgvs.hgvs_c without a sequence)."""
    notes = [""] * len(line)
    if not len(line):
        return [], notes
    plus = arr.plus[tid]
    n = arr.exon_first[tid + 1] - arr.exon_first[tid]
    k = g - arr.exon_first[tid]
    nums, of = np.where(plus, k + 1, n - 1 - k).tolist(), (n - 1).tolist()
    if not with_hgvs:
        return [f"{a}/{b}|" for a, b in zip(nums, of)], notes
    prefixes = list(map(_PREFIXES.__getitem__, (arr.cds0[tid] >= 0).tolist()))
    # the changed span's first base in genomic order (an insertion: the base before it)
    s, e = np.asarray(v.s)[line], np.asarray(v.e)[line]
    first = np.where(e > s, s, s - 1)
    where = list(_intron_positions(arr, tid, g, plus, first))
    # SNVs: (on a - strand transcript, on a + strand one); indels are finished below
    changes = [_SNV_CHANGES.get(ref + alt, ("", "")) for ref, alt in zip(v.refs, v.alts)]
    labels = [f"{a}/{b}|{pfx}{m}{d}{sign}{dist}{changes[j][pl]}" for a, b, pfx, (m, d, sign, dist), j, pl
              in zip(nums, of, prefixes, where, line.tolist(), plus.tolist())]
    # indels: the span's last base too, then the HGVS as hgvs._hgvs_c writes it
    at = np.flatnonzero(indel[line])
    last = np.maximum(e - 1, s)[at]
    for p, j, pl, one, to in zip(at.tolist(), line[at].tolist(), plus[at].tolist(),
                                 (first[at] == last).tolist(),
                                 _intron_positions(arr, tid[at], g[at], plus[at], last)):
        x, y = "".join(map(str, where[p])), "".join(map(str, to))
        if not pl:
            x, y = y, x   # in transcript order
        head = f"{nums[p]}/{of[p]}|{prefixes[p]}"
        ins = v.ins[j]
        tx_ins = ins if pl else revcomp(ins)
        if not ins:
            labels[p], notes[p] = f"{head}{x if one else f'{x}_{y}'}del", _NOTE
        elif v.s[j] == v.e[j]:
            labels[p], notes[p] = f"{head}{x}_{y}ins{tx_ins}", _NOTE
        else:
            labels[p] = f"{head}{x if one else f'{x}_{y}'}delins{tx_ins}"
    return labels, notes


def _intron_positions(arr, tid, g, plus, base):
    """HGVS positions of intronic bases, per (transcript, exon before the intron) pair, as
    hgvs.position places them from the nearer flanking exon base: (mark, number, sign,
    distance) for c.N+d, c.-N-d, c.*N+d or n.N+d."""
    left, right = arr.exon_ends[g] - 1, arr.exon_starts[g + 1]   # the intron's flanking bases
    up, down = np.where(plus, left, right), np.where(plus, right, left)   # 5', 3'
    d_up, d_down = np.abs(base - up), np.abs(down - base)
    use_up = d_up <= d_down
    i = arr.tx_index(np.where(use_up == plus, g, g + 1), np.where(use_up, up, down), plus)
    c0, c1 = arr.cds0[tid], arr.cds1[tid]
    coding = c0 >= 0
    mark = np.where(coding & (i < c0), 1, np.where(coding & (i >= c1), 2, 0))
    pos = np.where(~coding, i + 1, np.where(i < c0, c0 - i, np.where(i < c1, i - c0 + 1, i - c1 + 1)))
    return zip(map(_MARKS.__getitem__, mark.tolist()), pos.tolist(),
               map(_SIGNS.__getitem__, use_up.tolist()), np.where(use_up, d_up, d_down).tolist())
