"""Co-production Analyser: resident surveys in, a plain-English policy brief out."""

__version__ = "0.1.0"
APP_NAME = "Co-production Analyser"
ORG_NAME = "CoprodAnalyser"
