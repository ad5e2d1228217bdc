"""Known variants: ClinVar (P/LP, >= multiple submitters, 2024-12-15) with dbSNP rsIDs.

The installed subset comes with npm ideogram; its coded columns decode through
the key lists in the .li.gz header. Matching is on exact CHROM, POS, REF, ALT
(GRCh38, VCF-normalised as ClinVar publishes them).
"""
import gzip
import json
import re

from .sources import chrom_name

CLINVAR_SOURCE = "ClinVar 2024-12-15, Pathogenic/Likely pathogenic subset (npm ideogram 1.53.0)"


def _keys(li_path):
    keys = {}
    with gzip.open(li_path, "rt") as fh:
        for line in fh:
            m = re.match(r"# (\w+) = (\[.*\])\s*$", line)
            if m:
                keys[m.group(1)] = json.loads(m.group(2))
            elif not line.startswith("#"):
                break
    return keys


def read_clinvar(ideogram_dir):
    """{(chrom, pos, ref, alt): (ClinVar VariationID, significance, rsID or '')}"""
    keys = _keys(ideogram_dir / "homo-sapiens-variants.tsv.li.gz")
    sig = keys.get("clinical_significances", [])
    out = {}
    with gzip.open(ideogram_dir / "homo-sapiens-variants.tsv.gz", "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            try:
                significance = sig[int(f[8])]
            except (ValueError, IndexError):
                significance = ""
            rs = "rs" + f[12] if len(f) > 12 and f[12].isdigit() else ""
            out[(chrom_name(f[0]), int(f[1]), f[3], f[4])] = (f[2], significance, rs)
    return out
