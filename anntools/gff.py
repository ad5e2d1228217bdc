"""Transcript models from a gene-model file: GFF3 (Ensembl or GENCODE) or GTF (GENCODE or Ensembl).

- Ensembl GFF3: ID=gene:ENSG..., ID=transcript:ENST... Parent=gene:..., version=N;
  exon/CDS rows Parent=transcript:...
- GENCODE GFF3: ID=ENSG...5 (= gene_id), ID=ENST...2 (= transcript_id) Parent=ENSG...5,
  gene_name, transcript_type; exon/CDS rows Parent=ENST...2.
- GTF: every row names gene_id and transcript_id ("; "-separated, quoted); Ensembl
  adds gene_version/transcript_version. `tag` repeats, one value a time.
GTF (and GENCODE) CDS rows leave out the stop codon, which the engine's CDS includes,
so a transcript's CDS spans its CDS and stop_codon rows (a no-op where CDS has it).
MANE Select comes from tag=...,MANE_Select. Input is 1-based inclusive; the models
come out 0-based half-open.
"""
import gzip
import re
from collections import defaultdict
from urllib.parse import unquote

from .models import Transcript

_GTF_ATTR = re.compile(r'\s*([^\s;"]+)\s+(?:"([^"]*)"|([^;]*?))\s*(?:;|$)')


def _gff3_attrs(col):
    out = {}
    for part in col.strip().split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k] = unquote(v)
    return out


def _gtf_attrs(col):
    out = {}
    for m in _GTF_ATTR.finditer(col):
        k, v = m.group(1), m.group(2) if m.group(2) is not None else m.group(3)
        out[k] = f"{out[k]},{v}" if k in out else v   # repeated `tag`, as GFF3 lists it
    return out


def _versioned(attrs, key):
    ident = attrs.get(key) or attrs.get("ID", "").split(":", 1)[-1]
    version = attrs.get(key.split("_")[0] + "_version") or attrs.get("version")
    return f"{ident}.{version}" if version and "." not in ident else ident


def _rows(path):
    """(chrom, type, start0, end, strand, phase, attribute column) of each feature line."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) >= 9:
                yield f[0], f[2], int(f[3]) - 1, int(f[4]), f[6], f[7], f[8]


def is_gtf(path):
    """GTF or GFF3, by the name (.gtf[.gz] / .gff3, .gff[.gz]), else by the first attribute column."""
    name = str(path).lower().removesuffix(".gz")
    if name.endswith(".gtf"):
        return True
    if name.endswith((".gff3", ".gff")):
        return False
    for *_, col in _rows(path):
        return "=" not in col.split(";")[0]
    return False


def read_gene_models(path):
    """(transcripts, lengths) from a GTF or GFF3 file (plain or gzip)."""
    return read_gtf(path) if is_gtf(path) else read_gff3(path)


class _Models:
    """Genes, transcripts and their exon/CDS/stop-codon pieces, keyed as the file links them."""

    def __init__(self):
        self.genes, self.txs, self.lengths = {}, {}, {}
        self.exons, self.cds, self.stops = defaultdict(list), defaultdict(list), defaultdict(list)

    def gene(self, key, a):
        bare = key.split(":", 1)[-1]
        self.genes[key] = (a.get("Name") or a.get("gene_name") or bare, _versioned(a, "gene_id"))

    def transcript(self, key, chrom, strand, ftype, parent, a):
        self.txs[key] = (chrom, 1 if strand == "+" else -1, parent, _versioned(a, "transcript_id"),
                         a.get("biotype") or a.get("transcript_type") or a.get("transcript_biotype")
                         or ftype, "MANE_Select" in a.get("tag", "").split(","))

    def piece(self, ftype, parents, start, end, phase):
        for parent in parents:
            if ftype == "exon":
                self.exons[parent].append((start, end))
            elif ftype == "CDS":
                self.cds[parent].append((start, end, int(phase) if phase.isdigit() else 0))
            elif ftype == "stop_codon":
                self.stops[parent].append((start, end))

    def transcripts(self):
        out, lengths = [], self.lengths
        for tid, (chrom, strand, parent, name, biotype, mane) in self.txs.items():
            ex = sorted(self.exons.get(tid, ())) or sorted((a, b) for a, b, _ in self.cds.get(tid, ()))
            if not ex:   # some GFF3 list only CDS rows; then the CDS is the exon
                continue
            bare = parent.split(":")[-1]
            symbol, gene_id = self.genes.get(parent, (bare, bare))
            segs = sorted(self.cds.get(tid, ()))
            if segs:
                first = segs[0] if strand == 1 else segs[-1]
                stops = self.stops.get(tid, ())
                cs = min([segs[0][0]] + [s for s, _ in stops])
                ce = max([segs[-1][1]] + [e for _, e in stops])
                ph = first[2]
            else:
                cs = ce = None
                ph = 0
            out.append(Transcript(chrom, ex[0][0], ex[-1][1], strand, symbol, gene_id, name, biotype,
                                  mane, tuple(s for s, _ in ex), tuple(e for _, e in ex), cs, ce,
                                  "coding" if segs else "exons", ph))
            lengths[chrom] = max(lengths.get(chrom, 0), ex[-1][1])
        return out, lengths


def read_gff3(path):
    """(transcripts, lengths) from a GFF3 file, Ensembl or GENCODE style (plain or gzip)."""
    m = _Models()
    for chrom, ftype, start, end, strand, phase, col in _rows(path):
        a = _gff3_attrs(col)
        ident = a.get("ID", "")
        if ftype in ("chromosome", "region") and ident:
            m.lengths[chrom] = max(m.lengths.get(chrom, 0), end)
        elif ident.startswith("transcript:") or (ident and ident == a.get("transcript_id")):
            m.transcript(ident, chrom, strand, ftype, a.get("Parent", ""), a)
        elif ident.startswith("gene:") or (ident and ident == a.get("gene_id")):
            m.gene(ident, a)
        else:
            m.piece(ftype, a.get("Parent", "").split(","), start, end, phase)
    return m.transcripts()


def read_gtf(path):
    """(transcripts, lengths) from a GTF file, GENCODE or Ensembl style (plain or gzip).

    A transcript is known from its own row or, in GTFs without one, from its first exon row.
    """
    m = _Models()
    for chrom, ftype, start, end, strand, phase, col in _rows(path):
        a = _gtf_attrs(col)
        gid, tid = a.get("gene_id", ""), a.get("transcript_id")
        if ftype == "gene" or gid not in m.genes:
            m.gene(gid, a)
        if tid and (ftype == "transcript" or tid not in m.txs):
            m.transcript(tid, chrom, strand, "transcript", gid, a)
        if tid:
            m.piece(ftype, (tid,), start, end, phase)
    return m.transcripts()
