"""The DatabaseSet function as a KRM processor: config in, transformation, results out."""

from __future__ import annotations

import posixpath

from .config.load import doubtful_fields, load_database_set
from .config.problems import InvalidConfig
from .krm import LOCAL_CONFIG, Item, Result, error, has_errors, warning
from .plan.transform import transform

FAIL_ON_VARIABLE = "DBSET_FN_FAIL_ON"


def process_database_set(
    items: list[Item], function_config: Item | None, fail_on_warnings: bool = False
) -> tuple[list[Item], list[Result]]:
    """With fail_on_warnings, a render with warnings fails: items as given, and an
    error before the warnings, as kpt shows the first few results only (kpt and
    kustomize pass a render with warnings)."""
    try:
        database_set = load_database_set(function_config)
    except InvalidConfig as invalid:
        return items, [
            error(
                problem.message,
                function_config,
                field_path=problem.field,
                current_value=problem.value,
            )
            for problem in invalid.problems
        ]
    assert function_config is not None
    output, results = transform(
        items,
        database_set.spec,
        database_set.metadata.name,
        config_directory(items, function_config),
    )
    results = [
        *(
            warning(
                problem.message,
                function_config,
                field_path=problem.field,
                current_value=problem.value,
            )
            for problem in doubtful_fields(database_set.spec)
        ),
        *_not_local_config(items, function_config),
        *results,
    ]
    warnings = sum(result.severity == "warning" for result in results)
    if fail_on_warnings and warnings and not has_errors(results):
        return items, [_stopped(warnings), *results]
    return output, results


def _stopped(warnings: int) -> Result:
    return error(
        f"the render must have no warnings, as --fail-on warning (or {FAIL_ON_VARIABLE}="
        f"warning) asks, but it has {warnings}: each says what applying it would make the "
        "cluster lose; nothing was changed: undo the change, or render without "
        "--fail-on warning once the loss is wanted"
    )


def _not_local_config(items: list[Item], function_config: Item) -> list[Result]:
    """kpt sends the DatabaseSet among the items too; kpt live apply would apply it."""
    return [
        warning(
            f'{obj.describe()} should carry the annotation {LOCAL_CONFIG}: "true", as '
            "kpt live apply sends every resource of the package that is not local configuration "
            "to the cluster, which has no DatabaseSet kind; add it under metadata.annotations",
            obj,
            field_path=f"metadata.annotations.{LOCAL_CONFIG}",
        )
        for obj in _same_as(items, function_config)
        if not obj.is_local_config
    ]


def _same_as(items: list[Item], function_config: Item) -> list[Item]:
    """The functionConfig among the items, where kpt sends it there."""
    wanted = (function_config.api_version, function_config.kind, function_config.name)
    return [obj for obj in items if (obj.api_version, obj.kind, obj.name) == wanted]


def config_directory(items: list[Item], function_config: Item) -> str:
    """The package directory of the DatabaseSet's file, where generated files go.

    kpt annotates the functionConfig with its file; where it does not, the same
    DatabaseSet among the items (kpt sends it as a local-config item) may.
    """
    for candidate in [function_config, *_same_as(items, function_config)]:
        if candidate.path:
            return posixpath.dirname(candidate.path)
    return ""
