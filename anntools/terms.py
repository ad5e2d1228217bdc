"""Sequence Ontology consequence terms: VEP's severity order and impact classes; codon tables."""

# Most severe first, as VEP ranks them.
SEVERITY = (
    "transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
    "frameshift_variant", "stop_lost", "start_lost", "transcript_amplification",
    "feature_elongation", "feature_truncation", "inframe_insertion", "inframe_deletion",
    "missense_variant", "protein_altering_variant", "splice_donor_5th_base_variant",
    "splice_region_variant", "splice_donor_region_variant", "splice_polypyrimidine_tract_variant",
    "incomplete_terminal_codon_variant", "start_retained_variant", "stop_retained_variant",
    "synonymous_variant", "coding_sequence_variant", "mature_miRNA_variant", "5_prime_UTR_variant",
    "3_prime_UTR_variant", "non_coding_transcript_exon_variant", "exon_variant", "intron_variant",
    "NMD_transcript_variant", "non_coding_transcript_variant", "coding_transcript_variant",
    "upstream_gene_variant", "downstream_gene_variant", "intergenic_variant",
)
RANK = {t: i for i, t in enumerate(SEVERITY)}

IMPACT = dict.fromkeys(SEVERITY, "MODIFIER")
IMPACT.update(dict.fromkeys((
    "transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
    "frameshift_variant", "stop_lost", "start_lost", "transcript_amplification"), "HIGH"))
IMPACT.update(dict.fromkeys((
    "inframe_insertion", "inframe_deletion", "missense_variant", "protein_altering_variant"),
    "MODERATE"))
IMPACT.update(dict.fromkeys((
    "splice_donor_5th_base_variant", "splice_region_variant", "splice_donor_region_variant",
    "splice_polypyrimidine_tract_variant", "incomplete_terminal_codon_variant",
    "start_retained_variant", "stop_retained_variant", "synonymous_variant"), "LOW"))
IMPACTS = ("HIGH", "MODERATE", "LOW", "MODIFIER")


def _table(aas):
    bases = "TCAG"
    codons = [a + b + c for a in bases for b in bases for c in bases]
    return dict(zip(codons, aas))


# NCBI translation tables 1 (standard) and 2 (vertebrate mitochondrial).
STANDARD = _table("FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG")
MITO = _table("FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIMMTTTTNNKKSS**VVVVAAAADDEEGGGG")

THREE = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly",
    "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser",
    "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter", "X": "Xaa",
}

_COMP = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def revcomp(s):
    return s.translate(_COMP)[::-1]


def translate(seq, table):
    return "".join(table.get(seq[i:i + 3], "X") for i in range(0, len(seq) - len(seq) % 3, 3))


def worst(terms):
    return min(terms, key=RANK.__getitem__)
