"""One VCF data line -> its INFO additions and TSV rows (per ALT allele x transcript).

The per-file state lives here: the index, the transcript models built so far
(bounded cache), the optional liftover, and the counts for the log.
"""
from collections import Counter

from .effects import CSQ_FIELDS, effect, structural
from .regions import RANK as REGION_RANK, allele_change
from .terms import IMPACT, RANK, revcomp
from .txmodel import TxModel
from .vcfio import LineError

MODEL_CACHE = 20000   # transcript models kept; streaming sorted input reuses the recent ones


def _vep_alleles(ref, alts):
    """VEP's allele strings: drop the first base when REF and every ALT share it; '' -> '-'."""
    plain = [a for a in alts if a.isalpha()]
    if plain and ref and all(a[0] == ref[0] for a in plain) and any(len(a) != len(ref) for a in plain):
        return [(a[1:] or "-") if a.isalpha() else a for a in alts]
    return list(alts)


def _clean(value):
    # INFO values may not hold ; = , or spaces; CSQ fields may not hold |
    return str(value).replace(",", "&").replace(";", "_").replace("=", "_").replace(" ", "_") \
        .replace("|", "/")


class Annotator:
    def __init__(self, idx, allowed_chroms=None, mode="all", lift=None, hgvs=True):
        self.idx = idx
        self.allowed = allowed_chroms
        self.mode = mode
        self.lift = lift          # callable(chrom, start, end) -> (chrom, s, e, reverse) | None
        self.hgvs = hgvs
        self.models = {}
        self.region_counts = Counter()
        self.csq_counts = Counter()
        self.impact_counts = Counter()
        self.known = 0
        self.alleles = 0

    def model(self, t):
        key = (t.chrom, t.start, t.name)
        m = self.models.get(key)
        if m is None:
            if len(self.models) >= MODEL_CACHE:
                self.models.clear()
            m = self.models[key] = TxModel(t)
        return m

    def _place(self, fields):
        """(GRCh38 chrom, pos0, REF, ALTs, lifted 'chrom:pos' or '') of a data line."""
        name = fields[0]
        pos0 = int(fields[1]) - 1
        ref = fields[3].upper()
        alts = fields[4].upper().split(",")
        lifted = ""
        if self.lift is not None:
            hit = self.lift(name, pos0, pos0 + len(ref))
            if hit is None:
                raise LineError(f"{name}:{fields[1]} has no place on GRCh38 (liftover chain gap)")
            chrom, s, _e, reverse = hit
            if reverse:
                if any(len(a) != len(ref) for a in alts if a.isalpha()):
                    raise LineError("an indel on a reversed liftover block cannot be placed on GRCh38")
                ref = revcomp(ref)
                alts = [revcomp(a) if a.isalpha() else a for a in alts]
            pos0 = s
            lifted = f"{chrom}:{pos0 + 1}"
        else:
            chrom = self.idx.chrom(name)
        if chrom is None or chrom not in self.idx.lengths:
            raise LineError(f"CHROM '{name[:40]}' is not a GRCh38 sequence name")
        if self.allowed is not None and chrom not in self.allowed:
            raise LineError(f"CHROM '{name[:40]}' is not in the file's declared reference")
        length = self.idx.lengths[chrom]
        if pos0 + len(ref) > length:
            raise LineError(f"REF at POS {fields[1]} runs past the end of {chrom} "
                            f"({length:,} bases in the reference)")
        return chrom, pos0, ref, alts, lifted

    def annotate(self, fields, rows=None):
        """The INFO additions for one parsed data line (raise LineError if it cannot be placed).

        rows, if a list, receives one tuple of CSQ field values per allele x transcript.
        """
        chrom, pos0, ref, alts, lifted = self._place(fields)
        end = None
        if "END=" in fields[7]:
            for kv in fields[7].split(";"):
                if kv.startswith("END=") and kv[4:].isdigit():
                    end = int(kv[4:])
        seq = self.idx.seq
        csq, genes, regions, worst_terms = [], [], [], []
        for alt, vep_allele in zip(alts, _vep_alleles(ref, alts)):
            s, e, ins, kind = allele_change(pos0, ref, alt, end)
            if alt == "." or kind in ("ref", "star"):
                regions.append(".")
                worst_terms.append(".")
                continue
            known = self.idx.clinvar.get((chrom, pos0 + 1, ref, alt)) if not kind else None
            existing = "&".join(x for x in (known[2], "ClinVar:" + known[0]) if x) if known else ""
            clin_sig = known[1].lower() if known else ""
            self.known += bool(known)
            effects = []
            for t in self.idx.near(chrom, s, e if e > s else s + 1):
                if kind:
                    eff = structural(t, self.model, s, e, kind)
                else:
                    eff = effect(t, self.model, s, e, ref[s - pos0:e - pos0], ins, seq, self.hgvs)
                effects.append(eff)
            best_region = min((ef.region for ef in effects), key=REGION_RANK.__getitem__,
                              default="intergenic")
            if self.mode == "most_severe" and effects:
                effects = [min(effects, key=lambda ef: (RANK[ef.worst], not ef.t.mane,
                                                        ef.t.kind != "coding", ef.t.name))]
            for ef in effects:
                t = ef.t
                if ef.region not in ("upstream", "downstream") and t.gene not in genes:
                    genes.append(t.gene)
                values = (vep_allele, "&".join(ef.terms), IMPACT[ef.worst], t.gene, t.gene_id,
                          "Transcript", t.name, t.biotype, ef.exon, ef.intron, ef.hgvsc, ef.hgvsp,
                          ef.cdna, ef.cds, ef.protein, ef.amino_acids, ef.codons, existing,
                          ef.distance, "1" if t.strand == 1 else "-1", "YES" if t.mane else "",
                          clin_sig, ef.region, ef.note)
                csq.append("|".join(_clean(v) for v in values))
                if rows is not None:
                    rows.append(values)
            worst = min((ef.worst for ef in effects), key=RANK.__getitem__, default="intergenic_variant")
            if not effects:
                values = (vep_allele, "intergenic_variant", "MODIFIER") + ("",) * 14 + \
                         (existing, "", "", "", clin_sig, "intergenic", "")
                csq.append("|".join(_clean(v) for v in values))
                if rows is not None:
                    rows.append(values)
            regions.append(best_region)
            worst_terms.append(worst)
            self.region_counts[best_region] += 1
            self.csq_counts[worst] += 1
            self.impact_counts[IMPACT[worst]] += 1
            self.alleles += 1
        add = ["CSQ=" + ",".join(csq)] if csq else []
        if genes:
            add.append("GENE=" + ",".join(_clean(g) for g in genes))
        add.append("REGION=" + ",".join(regions))
        add.append("MOST_SEVERE=" + ",".join(worst_terms))
        band = self.idx.cytoband(chrom, pos0)
        if band:
            add.append("CYTOBAND=" + band)
        if lifted:
            add.append("GRCH38_POS=" + lifted)
        return ";".join(add)


TSV_COLUMNS = ("CHROM", "POS", "ID", "REF", "ALT") + CSQ_FIELDS
