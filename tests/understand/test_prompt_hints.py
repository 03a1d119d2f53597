"""A template author's own kind and parameters are understood from its manifest alone: keywords,
similar keywords, priority and each parameter's prompt hints. Bad hints are refused by name."""

from __future__ import annotations

import shutil

import pytest

from octoscaffold.catalog import builtin_root, load_catalog
from octoscaffold.errors import TemplateError
from octoscaffold.understand.rules import understand

MANIFEST = """\
id: queue-worker
title: Queue worker
version: 1.0.0
description: A worker that drains a message queue, deployed to Linux servers.
keywords: [queue worker, queue consumer]
similar_keywords: [kafka consumer]
priority: 2
parameters:
  batch_minutes:
    type: integer
    description: Minutes between batches.
    default: 5
    prompt: {cues: [batch interval, every], unit: minutes}
  memory_mb:
    type: integer
    description: Memory limit in MB.
    default: 256
    prompt: {cues: [memory limit, memory], unit: MB}
  dead_letters:
    type: boolean
    description: Keep failed messages in a dead-letter queue.
    default: true
    prompt: {cues: [dead letter queue, dlq], aliases: {"false": [drop failed messages]}}
  broker:
    type: string
    description: The message broker.
    default: rabbitmq
    choices: [rabbitmq, sqs, servicebus]
    prompt: {aliases: {sqs: [amazon sqs, aws queues], servicebus: [service bus, azure service bus]}}
  queue_url:
    type: string
    description: URL of the queue.
    default: ""
    prompt: {cues: [queue url, queue at], pattern: "https?://\\\\S+"}
  ticket:
    type: string
    description: Change ticket.
    default: ""
    prompt: {pattern: "CHG-\\\\d+", anywhere: true}
  topics:
    type: list
    description: Topics to read.
    default: []
    prompt: {cues: [topics, reads from]}
"""


@pytest.fixture
def catalog(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(builtin_root() / "_shared", root / "_shared")
    (root / "queue-worker").mkdir()
    (root / "queue-worker" / "template.yaml").write_text(MANIFEST, encoding="utf-8")
    return load_catalog(root)


def test_every_kind_of_hint_is_read(catalog):
    spec = understand(
        "queue worker for billing-events: batch interval 2 h, 1 GB memory limit, no dlq, on azure service bus, "
        "queue at https://bus.example.com/billing, reads from invoices, refunds and payouts. CHG-4411",
        catalog,
    )
    assert spec.template == "queue-worker" and spec.project.name == "billing-events"
    assert spec.parameters == {
        "batch_minutes": 120,
        "memory_mb": 1024,
        "dead_letters": False,
        "broker": "servicebus",
        "queue_url": "https://bus.example.com/billing",
        "ticket": "CHG-4411",
        "topics": ["invoices", "refunds", "payouts"],
    }
    assert spec.warnings == []


def test_aliases_and_negations(catalog):
    spec = understand("queue consumer called ledger, amazon sqs, drop failed messages", catalog)
    assert spec.parameters == {"broker": "sqs", "dead_letters": False}


def test_a_similar_keyword_chooses_the_kind_and_says_so(catalog):
    spec = understand("kafka consumer called ledger", catalog)
    assert spec.template == "queue-worker"
    assert spec.warnings == [
        "no kind in the catalog is 'kafka consumer'; queue-worker is the closest (see `octoscaffold catalog show queue-worker`)"
    ]


def test_a_number_in_another_unit_is_not_taken(catalog):
    spec = understand("queue worker called ledger, memory limit 3 minutes", catalog)
    assert "memory_mb" not in spec.parameters
    assert spec.warnings == ['not understood: "memory limit 3 minutes"']


@pytest.mark.parametrize(
    ("hint", "message"),
    [
        ('{pattern: "([a-z"}', "not a regular expression"),
        ("{pattern: '@moon-region'}", "unknown named pattern '@moon-region'"),
        ("{aliases: {kafka: [kafka]}}", "'kafka' is not one of rabbitmq, sqs, servicebus"),
        ("{unit: lightyears}", "unit"),
    ],
)
def test_bad_hints_are_refused_naming_the_field(tmp_path, hint, message):
    root = tmp_path / "catalog"
    shutil.copytree(builtin_root() / "_shared", root / "_shared")
    (root / "queue-worker").mkdir()
    bad = MANIFEST.replace("prompt: {aliases: {sqs: [amazon sqs, aws queues], servicebus: [service bus, azure service bus]}}", f"prompt: {hint}")
    (root / "queue-worker" / "template.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(TemplateError) as raised:
        load_catalog(root)
    assert "parameters.broker" in str(raised.value) and message in str(raised.value)
