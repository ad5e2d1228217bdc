"""Transcript models from an Ensembl-style GFF3 (production data, and the bcftools csq cases).

Genes carry ID=gene:ENSG...; transcripts (mRNA, transcript, lnc_RNA, ...)
Parent=gene:...; exon/CDS/UTR rows Parent=transcript:... GFF3 is 1-based
inclusive; the models come out 0-based half-open.
"""
import gzip
from collections import defaultdict
from urllib.parse import unquote

from .models import Transcript


def _attrs(col):
    out = {}
    for part in col.strip().split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k] = unquote(v)
    return out


def _versioned(attrs, key):
    ident = attrs.get(key) or attrs.get("ID", "").split(":", 1)[-1]
    return f"{ident}.{attrs['version']}" if attrs.get("version") and "." not in ident else ident


def read_gff3(path):
    """(transcripts, lengths) from a GFF3 file (plain or gzip)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    genes, txs = {}, {}
    exons, cds = defaultdict(list), defaultdict(list)
    lengths = {}
    with opener(path, "rt") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) < 9:
                continue
            chrom, ftype, start, end, strand, phase = f[0], f[2], int(f[3]) - 1, int(f[4]), f[6], f[7]
            a = _attrs(f[8])
            ident = a.get("ID", "")
            if ftype in ("chromosome", "region") and ident:
                lengths[chrom] = max(lengths.get(chrom, 0), end)
            elif ident.startswith("gene:"):
                genes[ident] = (a.get("Name", ident[5:]), _versioned(a, "gene_id"), a.get("biotype", ""))
            elif ident.startswith("transcript:"):
                txs[ident] = (chrom, 1 if strand == "+" else -1, a.get("Parent", ""),
                              _versioned(a, "transcript_id"), a.get("biotype", ftype))
            elif ftype == "exon":
                for parent in a.get("Parent", "").split(","):
                    exons[parent].append((start, end))
            elif ftype == "CDS":
                for parent in a.get("Parent", "").split(","):
                    cds[parent].append((start, end, int(phase) if phase.isdigit() else 0))
    out = []
    for tid, (chrom, strand, parent, name, biotype) in txs.items():
        ex = sorted(exons.get(tid, ())) or sorted((a, b) for a, b, _ in cds.get(tid, ()))
        if not ex:   # some GFF3 list only CDS rows; then the CDS is the exon
            continue
        symbol, gene_id, _gbt = genes.get(parent, (parent.split(":")[-1], parent.split(":")[-1], ""))
        segs = sorted(cds.get(tid, ()))
        if segs:
            first = segs[0] if strand == 1 else segs[-1]
            cs, ce, ph = segs[0][0], segs[-1][1], first[2]
        else:
            cs = ce = None
            ph = 0
        out.append(Transcript(chrom, ex[0][0], ex[-1][1], strand, symbol, gene_id, name, biotype,
                              False, tuple(s for s, _ in ex), tuple(e for _, e in ex), cs, ce,
                              "coding" if segs else "exons", ph))
        lengths[chrom] = max(lengths.get(chrom, 0), ex[-1][1])
    return out, lengths
