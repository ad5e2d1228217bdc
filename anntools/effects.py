"""One allele on one transcript -> the CSQ fields (terms, numbers, HGVS, codons).

Coordinates as in the engine: genomic 0-based half-open; [s, e) is the
reference span the allele replaces by `alt` (forward strand, already trimmed
of bases REF and ALT share).
"""
from bisect import bisect_right

from . import hgvs
from .consequence import _splice, coding_effect, has_stop, splice_terms
from .regions import locate
from .terms import RANK, revcomp

CSQ_FIELDS = ("Allele", "Consequence", "IMPACT", "SYMBOL", "Gene", "Feature_type", "Feature",
              "BIOTYPE", "EXON", "INTRON", "HGVSc", "HGVSp", "cDNA_position", "CDS_position",
              "Protein_position", "Amino_acids", "Codons", "Existing_variation", "DISTANCE",
              "STRAND", "MANE_SELECT", "CLIN_SIG", "REGION", "NOTE")


class Effect:
    """The consequence of one allele on one transcript (fields of one CSQ entry)."""
    __slots__ = ("t", "terms", "region", "exon", "intron", "distance", "hgvsc", "hgvsp",
                 "cdna", "cds", "protein", "amino_acids", "codons", "note")

    def __init__(self, t, terms, region, exon="", intron="", distance=""):
        self.t, self.terms, self.region = t, terms, region
        self.exon, self.intron, self.distance = exon, intron, distance
        self.hgvsc = self.hgvsp = self.cdna = self.cds = self.protein = ""
        self.amino_acids = self.codons = self.note = ""

    @property
    def worst(self):
        return self.terms[0]


def _sorted(terms):
    return sorted(set(terms), key=RANK.__getitem__)


def structural(t, model, s, e, kind):
    """Symbolic alleles (<INS>, <DEL>, others, breakends): annotated by position only."""
    region, exon, intron, dist = locate(t, s, e)
    if region in ("upstream", "downstream"):
        return Effect(t, [region + "_gene_variant"], region, distance=dist)
    m = model(t)
    terms = set(_splice(m, s, e)) if len(t.exon_starts) > 1 and t.kind != "span" else set()
    if kind == "ins":
        terms.add("feature_elongation")
        i = m.g2tx(s) if t.kind != "span" else None   # exonic when the next base is
        if i is not None and m.coding and m.cds0 <= i < m.cds1:
            terms.add("coding_sequence_variant")
            region = "CDS"
    elif kind == "del":
        terms.add("feature_truncation")
    else:
        terms.add({"CDS": "coding_sequence_variant", "5UTR": "5_prime_UTR_variant",
                   "3UTR": "3_prime_UTR_variant", "intron": "intron_variant"}.get(
            region, "non_coding_transcript_variant"))
    if kind == "ins" and region in ("5UTR", "3UTR"):
        terms.add(region[0] + "_prime_UTR_variant")
    if terms & {"splice_donor_variant", "splice_acceptor_variant"}:
        terms.discard("splice_region_variant")
    eff = Effect(t, _sorted(terms), region, exon, intron)
    eff.note = "symbolic allele: annotated by position"
    return eff


def effect(t, model, s, e, ref, alt, seq, with_hgvs=True):
    """The Effect of replacing genomic [s, e) (bases `ref`) by `alt` in transcript t."""
    region, exon, intron, dist = locate(t, s, e)
    if region in ("upstream", "downstream"):
        return Effect(t, [region + "_gene_variant"], region, distance=dist)
    if t.kind == "span":
        term = "coding_transcript_variant" if t.biotype == "protein_coding" else \
            "non_coding_transcript_variant"
        return Effect(t, [term], "transcript")
    m = model(t)
    if region == "intron" and e - s == 1 and len(alt) == 1:
        k = bisect_right(t.exon_ends, s) - 1
        if t.exon_ends[k] + 8 <= s < t.exon_starts[k + 1] - 8:
            # deep in an intron (the common case): no splice, exon or codon work to do
            terms = ["intron_variant"]
            if t.biotype == "nonsense_mediated_decay":
                terms.append("NMD_transcript_variant")
            if not m.coding and t.biotype != "protein_coding":
                terms.append("non_coding_transcript_variant")
            eff = Effect(t, terms, region, exon, intron)
            if with_hgvs:
                tx_ref, tx_alt = (ref, alt) if m.plus else (revcomp(ref), revcomp(alt))
                eff.hgvsc = f"{'c.' if m.coding else 'n.'}{hgvs.position(m, s)}{tx_ref}>{tx_alt}"
            return eff
    terms = splice_terms(m, s, e, alt, seq) if len(t.exon_starts) > 1 else set()
    eff = Effect(t, [], region, exon, intron)
    change = m.tx_change(s, e, alt)
    if region == "intron" and change is None:
        terms.add("intron_variant")
    elif not m.coding:
        terms.add("exon_variant" if t.biotype == "protein_coding" else
                  "non_coding_transcript_exon_variant")
        if change is None and any(m.g2tx(g) is None for g in range(max(s, t.start), min(e, t.end))):
            terms.add("intron_variant")   # crosses into an intron, not only past the transcript end
    elif change is None:
        # crosses an exon/intron boundary or a transcript end
        cds_bases = [g for g in range(max(s, t.cds_start), min(e, t.cds_end)) if m.g2tx(g) is not None]
        if cds_bases:
            region = "CDS"
            if alt or s < t.start or e > t.end:
                terms.add("coding_sequence_variant")
            else:   # the length decides, as in bcftools csq; the splice site term says the rest
                terms.add("frameshift_variant" if (e - s) % 3 else "inframe_deletion")
            stop = (t.cds_end - 3, t.cds_end) if m.plus else (t.cds_start, t.cds_start + 3)
            if s < stop[1] and e > stop[0] and has_stop(m, seq):
                terms.add("stop_lost")
        elif not terms:
            terms.add("intron_variant")
    else:
        lo, hi, tx_alt = change
        c0, c1 = m.cds0, m.cds1
        in_cds = (lo < c1 and hi > c0) if hi > lo else (c0 < lo < c1)
        if in_cds:
            coding = coding_effect(m, lo, hi, tx_alt, seq)
            terms.update(coding.terms)
            eff.cds, eff.protein, eff.note = coding.cds_pos, coding.prot_pos, coding.note
            if coding.ref_aa or coding.alt_aa:
                eff.amino_acids = coding.ref_aa if coding.ref_aa == coding.alt_aa else \
                    f"{coding.ref_aa or '-'}/{coding.alt_aa or '-'}"
            eff.codons = coding.codons
            if with_hgvs:
                eff.hgvsp = hgvs.hgvs_p(coding)
            if lo < c0:
                terms.add("5_prime_UTR_variant")
            if hi > c1:
                terms.add("3_prime_UTR_variant")
        else:
            five = (hi <= c0) if hi > lo else (lo <= c0)
            terms.add("5_prime_UTR_variant" if five else "3_prime_UTR_variant")
            region = "5UTR" if five else "3UTR"
        eff.cdna = f"{lo + 1}" if hi - lo == 1 else (f"{lo}-{lo + 1}" if hi == lo else f"{lo + 1}-{hi}")
    if terms & {"splice_donor_variant", "splice_acceptor_variant"}:
        if region == "intron":
            terms.discard("intron_variant")   # VEP reports the site alone
        if e > s:
            terms.discard("splice_region_variant")   # a change over the site: the site says it
    if "frameshift_variant" in terms and "start_lost" in terms:
        terms.discard("frameshift_variant")   # no start codon, no reading frame to shift
    if t.biotype == "nonsense_mediated_decay":
        terms.add("NMD_transcript_variant")
    if not m.coding and t.biotype != "protein_coding" and "intron_variant" in terms:
        terms.add("non_coding_transcript_variant")
    eff.terms, eff.region = _sorted(terms), region
    if with_hgvs:
        eff.hgvsc, note = hgvs.hgvs_c(m, s, e, ref, alt, seq)
        if note and not eff.note:
            eff.note = note
    return eff
