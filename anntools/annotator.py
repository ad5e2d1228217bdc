"""One VCF data line -> its INFO additions and TSV rows (per ALT allele x transcript).

The per-file state lives here: the index, the transcript models built so far
(bounded cache), the optional liftover, and the counts for the log.
"""
from bisect import bisect_right
from collections import Counter
from itertools import accumulate

from .effects import CSQ_FIELDS, effect, structural
from .hgvs import hgvs_c
from .regions import RANK as REGION_RANK, allele_change
from .terms import IMPACT, RANK, SEVERITY, revcomp
from .txmodel import TxModel
from .sequence import ref_mismatch
from .vcfio import LineError, UnplacedLine

# Transcript models are kept for the current chromosome (sorted input reuses them)
# and dropped when it changes, with a cap for unsorted input.
MODEL_CACHE = 50000

# gVCF's "any other allele" placeholders: no change to annotate, like "." and "*"
NOT_A_CHANGE = frozenset(("<NON_REF>", "<*>", "<X>"))


def _vep_alleles(ref, alts):
    """VEP's allele strings: drop the first base when REF and every ALT share it; '' -> '-'."""
    plain = [a for a in alts if a.isalpha()]
    if plain and ref and all(a[0] == ref[0] for a in plain) and any(len(a) != len(ref) for a in plain):
        return [(a[1:] or "-") if a.isalpha() else a for a in alts]
    return list(alts)


# the ten separators from BIOTYPE to Existing_variation: EXON..Codons all empty
_NO_DETAIL = "|" * 10
_PIPES15 = "|" * 15
# every ASCII character in the table, most mapped to itself: str.translate pays for each
# character it finds no entry for (a KeyError raised and cleared)
_CLEAN = str.maketrans({chr(c): chr(c) for c in range(128)} |
                       {",": "&", ";": "_", "=": "_", " ": "_", "|": "/"})


_CLEANED = {}


def _clean(value):
    # INFO values may not hold ; = , or spaces; CSQ fields may not hold |
    out = _CLEANED.get(value)
    if out is None:
        out = str(value).translate(_CLEAN)
        if len(_CLEANED) < 10000:   # notes and significances repeat: remember them
            _CLEANED[value] = out
    return out


# intron terms per (NMD biotype, not protein_coding biotype): (with a CDS, without)
_INTRON_TERMS = {
    (nmd, npc): tuple("&".join(["intron_variant"] + (["NMD_transcript_variant"] if nmd else []) + (
        ["non_coding_transcript_variant"] if not coding and npc else [])) for coding in (True, False))
    for nmd in (False, True) for npc in (False, True)}
_UP_RANK, _DOWN_RANK = RANK["upstream_gene_variant"], RANK["downstream_gene_variant"]


def _static_parts(t, mane_refseq=None):
    """[SYMBOL|Gene|Feature_type|Feature|BIOTYPE, STRAND|MANE_SELECT, not MANE, not coding,
    the entry of a change deep in an intron from Consequence to EXON, (with a CDS, without),
    or None when the fast path does not apply,
    upstream flank, downstream flank, span entry, deep-intron pieces (filled on first use)]."""
    gene, name = t.gene, t.name
    gene = gene.translate(_CLEAN) if type(gene) is str else _clean(gene)
    name = name.translate(_CLEAN) if type(name) is str else _clean(name)
    fixed = f"{gene}|{t.gene_id}|Transcript|{name}|{t.biotype}"
    intron_heads = None
    if t.kind != "span" and len(t.exon_starts) > 1:
        # (with a CDS, without): the model decides whether the transcript is coding
        with_cds, without = _INTRON_TERMS[(t.biotype == "nonsense_mediated_decay",
                                           t.biotype != "protein_coding")]
        intron_heads = (f"|{with_cds}|MODIFIER|{fixed}||", f"|{without}|MODIFIER|{fixed}||")
    plus = t.strand == 1
    # MANE_SELECT as VEP gives it: the RefSeq id (YES when the MANE summary is not installed)
    mane = (mane_refseq or {}).get(t.name, "YES") if t.mane else ""
    strand_mane = f"{'1' if plus else '-1'}|{mane}"
    # an allele before the transcript's start (genomic left) or after its end:
    # (rank, region, the entry from Consequence to Existing_variation, from STRAND on)
    up = (_UP_RANK, "upstream", f"|upstream_gene_variant|MODIFIER|{fixed}{_NO_DETAIL}", strand_mane)
    down = (_DOWN_RANK, "downstream", f"|downstream_gene_variant|MODIFIER|{fixed}{_NO_DETAIL}",
            strand_mane)
    # inside a transcript of which only the span is installed: one term, nothing else to say
    span = None
    if t.kind == "span":
        term = "coding_transcript_variant" if t.biotype == "protein_coding" else \
            "non_coding_transcript_variant"
        span = (RANK[term], f"|{term}|{IMPACT[term]}|{fixed}" + "|" * 10)
    return [fixed, strand_mane, not t.mane, t.kind != "coding", intron_heads,
            up if plus else down, down if plus else up, span, None]


def _g2tx(starts, ends, offsets, g, plus):
    """TxModel.g2tx without building the model: tx index of genomic base g, or None
    (offsets: tx index of the 5'-most base of each genomic exon)."""
    k = bisect_right(starts, g) - 1
    if k < 0 or g >= ends[k]:
        return None
    return offsets[k] + (g - starts[k] if plus else ends[k] - 1 - g)


def _intron_pieces(t, st):
    """Once per transcript, for deep-intron SNVs (what TxModel would say, without building it):
    (the entry's text up to the intron number, c./n., plus strand, intron k -> label, cds0, cds1,
    tx index of the 5'-most base of each genomic exon)."""
    plus = t.strand == 1
    starts, ends = t.exon_starts, t.exon_ends
    lens = [e - s for s, e in zip(starts, ends)]
    if plus:
        offsets = list(accumulate(lens, initial=0))[:-1]
    else:
        offsets = list(accumulate(reversed(lens), initial=0))[-2::-1]
    cds0 = cds1 = None
    if t.cds_start is not None:
        a = _g2tx(starts, ends, offsets, t.cds_start, plus)
        b = _g2tx(starts, ends, offsets, t.cds_end - 1, plus)
        if a is not None and b is not None:
            cds0, cds1 = (a, b + 1) if plus else (b, a + 1)
    return (st[4][cds0 is None], "c." if cds0 is not None else "n.",
            plus, {}, cds0, cds1, offsets)


def _exonic_pos(i, cds0, cds1):
    """hgvs._exonic for tx index i given the CDS [cds0, cds1) (None: non-coding)."""
    if cds0 is None:
        return f"{i + 1}"
    if i < cds0:
        return f"-{cds0 - i}"
    if i < cds1:
        return f"{i - cds0 + 1}"
    return f"*{i - cds1 + 1}"


def _intron_label(t, k, iv):
    """TxModel.intron_label(k) as entry pieces: (n/N|, n/N|c., 5' flank base, its position +,
    3' flank base, its position -)."""
    starts, ends, plus = t.exon_starts, t.exon_ends, iv[2]
    n = len(starts)
    a, b = ends[k], starts[k + 1]
    up, down = (a - 1, b) if plus else (b, a - 1)
    num = k + 1 if plus else n - 1 - k
    cds0, cds1, offsets = iv[4], iv[5], iv[6]
    up_pos = _exonic_pos(_g2tx(starts, ends, offsets, up, plus), cds0, cds1)
    down_pos = _exonic_pos(_g2tx(starts, ends, offsets, down, plus), cds0, cds1)
    return (f"{num}/{n - 1}|", f"{num}/{n - 1}|{iv[1]}", up, f"{up_pos}+", down, f"{down_pos}-")


def _known_fields(known):
    """(Existing_variation, CLIN_SIG) of a known-variant hit (ClinVar id, significance, rsID;
    any may be empty, e.g. a dbSNP-only hit), or ("", "") for None."""
    if not known:
        return "", ""
    clinvar_id, significance, rsid = known
    existing = "&".join(x for x in (rsid, "ClinVar:" + clinvar_id if clinvar_id else "") if x)
    return existing, _clean(significance.lower()) if significance else ""


def _intron_parts(t, st, k):
    """(_intron_pieces of t, _intron_label of its intron k), each computed once and kept in st."""
    iv = st[8]
    if iv is None:
        iv = st[8] = _intron_pieces(t, st)
    lab = iv[3].get(k)
    if lab is None:
        lab = iv[3][k] = _intron_label(t, k, iv)
    return iv, lab


# The CSQ entries of the fast paths, shared by annotate() and the chunk path (batch.py).
# tail is "|CLIN_SIG|"; st is _static_parts(t).

def _flank_entry(allele, side, existing, dist, tail):
    """Up- or downstream of a transcript; side is st[5] (before its start) or st[6] (after its end)."""
    return f"{allele}{side[2]}{existing}|{dist}|{side[3]}{tail}{side[1]}|"


def _span_entry(allele, st, existing, tail):
    """Inside a transcript of which only the span is installed (what effect() says for it)."""
    return f"{allele}{st[7][1]}{existing}||{st[1]}{tail}transcript|"


def _intron_entry(allele, head, label, existing, st, tail, note=""):
    """Deep in an intron: head is st[4][not coding]; label is 'n/N|' and HGVSc."""
    return f"{allele}{head}{label}|||||||{existing}||{st[1]}{tail}intron|{note}"


def _intergenic_entry(allele, existing, clin_sig):
    # 24 fields: allele, term, impact, 14 empty, Existing_variation, DISTANCE,
    # STRAND, MANE_SELECT, CLIN_SIG, REGION, NOTE
    return f"{allele}|intergenic_variant|MODIFIER{_PIPES15}{existing}||||{clin_sig}|intergenic|"


_INTRON_RANK = RANK["intron_variant"]
_COMP1 = {"A": "T", "C": "G", "G": "C", "T": "A", "N": "N"}


def ref_mismatch_reason(ref, genome, chrom, pos0, lifted=""):
    where = f"GRCh38 {chrom}:{pos0 + 1}" + (", after liftover" if lifted else "")
    return (f"REF '{ref[:40]}' is not the reference genome's '{genome[:40]}' at {where}; "
            "is the file on another build?")


class Annotator:
    def __init__(self, idx, allowed_chroms=None, mode="all", lift=None, hgvs=True, lengths=None):
        self.idx = idx
        self.lengths = lengths or idx.lengths   # chromosome -> length, for the REF-end check
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
        self.unsequenced = 0   # alleles left at coding_sequence_variant: no genome sequence there
        self._static = {}   # id(transcript) -> its CSQ fields that never change
        self._static_chrom = None
        self._models_chrom = None

    def model(self, t):
        key = id(t)   # transcripts live as long as the index
        m = self.models.get(key)
        if m is None:
            if len(self.models) >= MODEL_CACHE or t.chrom != self._models_chrom:
                self.models.clear()
                self._models_chrom = t.chrom
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
                raise UnplacedLine(f"{name}:{fields[1]} has no place on GRCh38 (liftover chain gap)")
            chrom, s, _e, reverse = hit
            if reverse:
                if any(len(a) != len(ref) for a in alts if a.isalpha()):
                    raise UnplacedLine("an indel on a reversed liftover block cannot be placed on GRCh38")
                ref = revcomp(ref)
                alts = [revcomp(a) if a.isalpha() else a for a in alts]
            pos0 = s
            lifted = f"{chrom}:{pos0 + 1}"
        else:
            chrom = self.idx.chrom(name)
        if chrom is None or chrom not in self.lengths:
            raise LineError(f"CHROM '{name[:40]}' is not a GRCh38 sequence name")
        if self.allowed is not None and chrom not in self.allowed:
            raise LineError(f"CHROM '{name[:40]}' is not in the file's declared reference")
        length = self.lengths[chrom]
        if pos0 + len(ref) > length:
            raise LineError(f"REF at POS {fields[1]} runs past the end of {chrom} "
                            f"({length:,} bases in the reference)")
        seq = self.idx.seq
        if seq.has(chrom):
            # codons and HGVS from a REF the genome does not have would be wrong: another
            # build, or a typo; VEP's --check_ref and bcftools csq refuse these lines too
            bad = ref_mismatch(seq.fetch(chrom, pos0, pos0 + len(ref)), ref)
            if bad:
                raise LineError(ref_mismatch_reason(ref, bad, chrom, pos0, lifted))
        return chrom, pos0, ref, alts, lifted

    def parts(self, t):
        """_static_parts(t), kept while the input stays on t's chromosome."""
        st = self._static.get(id(t))
        if st is None:
            if t.chrom != self._static_chrom:
                self._static.clear()
                self._static_chrom = t.chrom
            st = self._static[id(t)] = _static_parts(t, self.idx.mane_refseq)
        return st

    def annotate(self, fields, rows=None):
        """The INFO additions for one parsed data line (raise LineError if it cannot be placed).

        rows, if a list, receives the CSQ entry ('|'-separated) of each allele x transcript.
        """
        chrom, pos0, ref, alts, lifted = self._place(fields)
        end = None
        if "END=" in fields[7]:
            for kv in fields[7].split(";"):
                if kv.startswith("END=") and kv[4:].isdigit():
                    end = int(kv[4:])
        seq = self.idx.seq
        csq, genes, regions, worst_terms = [], [], [], []
        static, models = self._static, self.models
        if chrom != self._static_chrom:   # sorted input: keep only this chromosome's
            static.clear()
            self._static_chrom = chrom
        simple = len(ref) == 1 and len(alts) == 1 and len(alts[0]) == 1 and alts[0] in _COMP1
        for alt, vep_allele in zip(alts, alts if simple else _vep_alleles(ref, alts)):
            if simple and alt != ref:   # one SNV, most lines: what allele_change would say
                s, e, ins, kind = pos0, pos0 + 1, alt, ""
            else:
                s, e, ins, kind = allele_change(pos0, ref, alt, end)
            if alt == "." or kind in ("ref", "star") or alt in NOT_A_CHANGE:
                regions.append(".")
                worst_terms.append(".")
                continue
            known = self.idx.clinvar.get((chrom, pos0 + 1, ref, alt)) if not kind else None
            existing, clin_sig = _known_fields(known)
            self.known += bool(known)
            tail = f"|{clin_sig}|"
            # (severity rank, not MANE, not coding, name, region, CSQ entry) per transcript
            found = []
            last = e if e > s else s + 1
            snv = not kind and e - s == 1 and len(ins) == 1
            if snv:
                r1 = ref[s - pos0]
                snv_plus, snv_minus = f"{r1}>{ins}", f"{_COMP1.get(r1, r1)}>{_COMP1.get(ins, ins)}"
            for t in self.idx.near(chrom, s, last):
                st = static.get(id(t))
                if st is None:
                    st = static[id(t)] = _static_parts(t, self.idx.mane_refseq)
                if not kind and (last <= t.start or s >= t.end):
                    # flanking transcript: the cheap, common case
                    side, dist = (st[5], t.start - last + 1) if last <= t.start else \
                        (st[6], s - t.end + 1)
                    found.append((side[0], st[2], st[3], t.name, side[1],
                                  _flank_entry(vep_allele, side, existing, dist, tail), t))
                    continue
                if st[7] is not None and e > s and not kind:
                    found.append((st[7][0], st[2], st[3], t.name, "transcript",
                                  _span_entry(vep_allele, st, existing, tail), t))
                    continue
                if snv and st[4] is not None:
                    starts = t.exon_starts
                    k = bisect_right(starts, s) - 1
                    if k >= 0 and t.exon_ends[k] + 8 <= s < starts[k + 1] - 8 if k + 1 < len(starts) else False:
                        # deep in an intron, the common case: terms fixed per transcript,
                        # HGVS from the flanking exon bases' positions computed once
                        iv, lab = _intron_parts(t, st, k)
                        if self.hgvs:
                            d_up, d_down = abs(s - lab[2]), abs(lab[4] - s)
                            label = f"{lab[1]}{lab[3]}{d_up}" if d_up <= d_down else \
                                f"{lab[1]}{lab[5]}{d_down}"
                            label += snv_plus if iv[2] else snv_minus
                        else:
                            label = lab[0]
                        found.append((_INTRON_RANK, st[2], st[3], t.name, "intron",
                                      _intron_entry(vep_allele, iv[0], label, existing, st, tail), t))
                        continue
                if not kind and not snv and st[4] is not None and e - s < 10:
                    starts = t.exon_starts
                    k = bisect_right(starts, s) - 1
                    if k >= 0 and k + 1 < len(starts) and t.exon_ends[k] + 12 <= s and \
                            e + 12 <= starts[k + 1]:
                        # a short indel deep in an intron: no splice site within reach, so
                        # the terms are the transcript's intron terms; HGVS as effect() writes it
                        m = models.get(id(t)) or self.model(t)
                        hgvsc = note = ""
                        if self.hgvs:
                            hgvsc, note = hgvs_c(m, s, e, ref[s - pos0:e - pos0], ins, seq)
                        num = k + 1 if m.plus else len(starts) - 1 - k
                        found.append((_INTRON_RANK, st[2], st[3], t.name, "intron", _intron_entry(
                            vep_allele, st[4][m.cds0 is None], f"{num}/{len(starts) - 1}|{hgvsc}",
                            existing, st, tail, _clean(note) if note else ""), t))
                        continue
                if kind:
                    ef = structural(t, self.model, s, e, kind)
                else:
                    ef = effect(t, self.model, s, e, ref[s - pos0:e - pos0], ins, seq, self.hgvs)
                worst = ef.terms[0]
                found.append((RANK[worst], st[2], st[3], t.name, ef.region,
                              f"{vep_allele}|{'&'.join(ef.terms)}|{IMPACT[worst]}|{st[0]}|{ef.exon}|"
                              f"{ef.intron}|{ef.hgvsc}|{ef.hgvsp}|{ef.cdna}|{ef.cds}|{ef.protein}|"
                              f"{ef.amino_acids}|{ef.codons}|{existing}|{ef.distance}|{st[1]}{tail}"
                              f"{ef.region}|{_clean(ef.note) if ef.note else ''}", t))
            if found:
                best_region = min((f[4] for f in found), key=REGION_RANK.__getitem__)
                top = min(found)
                worst = SEVERITY[top[0]]
                if worst == "coding_sequence_variant" and not seq.has(chrom):
                    self.unsequenced += 1
                for f in ([top] if self.mode == "most_severe" else found):
                    if f[4] not in ("upstream", "downstream") and f[6].gene not in genes:
                        genes.append(f[6].gene)
                    csq.append(f[5])
            else:
                best_region, worst = "intergenic", "intergenic_variant"
                csq.append(_intergenic_entry(vep_allele, existing, clin_sig))
            regions.append(best_region)
            worst_terms.append(worst)
            self.region_counts[best_region] += 1
            self.csq_counts[worst] += 1
            self.impact_counts[IMPACT[worst]] += 1
            self.alleles += 1
        if rows is not None:
            rows.extend(csq)
        return _info(csq, genes, regions, worst_terms, self.idx.cytoband(chrom, pos0), lifted)


def _info(csq, genes, regions, worst_terms, band, lifted=""):
    """A line's INFO additions from its CSQ entries, genes, and per ALT REGION and MOST_SEVERE."""
    add = ["CSQ=" + ",".join(csq)] if csq else []
    if genes:
        add.append("GENE=" + ",".join(map(_clean, genes)))
    add.append("REGION=" + ",".join(regions))
    add.append("MOST_SEVERE=" + ",".join(worst_terms))
    if band:
        add.append("CYTOBAND=" + band)
    if lifted:
        add.append("GRCH38_POS=" + lifted)
    return ";".join(add)


TSV_COLUMNS = ("CHROM", "POS", "ID", "REF", "ALT") + CSQ_FIELDS
