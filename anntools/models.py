"""The transcript model the engine works on. 0-based half-open genomic coordinates."""
from typing import NamedTuple, Optional, Tuple


class Transcript(NamedTuple):
    chrom: str
    start: int                 # first base of the first exon (0-based)
    end: int                   # one past the last base of the last exon
    strand: int                # 1 or -1
    gene: str                  # symbol, e.g. TP53
    gene_id: str               # ENSG with version where known
    name: str                  # ENST.v for MANE Select, else Ensembl name e.g. TP53-201
    biotype: str
    mane: bool
    exon_starts: Tuple[int, ...]   # ascending genomic order, whatever the strand
    exon_ends: Tuple[int, ...]
    cds_start: Optional[int]   # genomic [cds_start, cds_end) incl. stop codon; None if non-coding
    cds_end: Optional[int]
    # "coding": exons + CDS known; "exons": exons known, no CDS (non-coding or
    # unknown split); "span": only the gene span is installed, no exon structure.
    kind: str
    # Bases to skip at the 5' end of the CDS before the first whole codon (GFF3
    # phase of an incomplete 5' CDS); 0 for complete models.
    phase: int = 0
