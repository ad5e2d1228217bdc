"""Errors a caller of anntools can catch; str(e) is a sentence for the researcher."""


class AnnotationError(Exception):
    """The file could not be annotated. str(e) says what is wrong and what to do.

    `log_path` is the count log written before the error was raised, or None
    when the error came before there was anything to log.
    """

    def __init__(self, message, log_path=None):
        super().__init__(message)
        self.log_path = log_path


class NotAVcfError(AnnotationError):
    """The input is not a VCF at all (binary, or no VCF header/data shape)."""


class UnsupportedBuildError(AnnotationError):
    """The input's genome build is one the installed reference data cannot annotate."""


class ReferenceDataMissing(AnnotationError):
    """The engine's index has not been built yet (run install_reference)."""


class DamagedFileError(AnnotationError):
    """The compressed input breaks off or fails its check partway: no partial result is kept."""
