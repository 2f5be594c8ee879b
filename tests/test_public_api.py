"""The public API is pinned: adding or removing a name is a deliberate change."""

import corroborate

EXPECTED = {
    "Archive",
    "Article",
    "Context",
    "CorroborateError",
    "IngestOptions",
    "IngestOutcome",
    "IngestReport",
    "InputError",
    "Limits",
    "NotFoundError",
    "RawInput",
    "Reader",
    "ReaderRegistry",
    "Removal",
    "Report",
    "UsageError",
    "__version__",
    "analyze",
    "analyze_schema",
    "build_report",
    "clean_article",
    "default_registry",
    "demo_dir",
    "ingest",
    "ingest_raw",
}


def test_all_is_pinned() -> None:
    assert set(corroborate.__all__) == EXPECTED
    for name in corroborate.__all__:
        assert hasattr(corroborate, name), name
