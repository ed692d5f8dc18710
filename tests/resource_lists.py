"""Pieces of ResourceLists as kpt writes them, for tests that assemble their own input."""

HEADER = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
CLUSTER = """\
- apiVersion: postgresql.cnpg.io/v1
  kind: Cluster
  metadata:
    name: prod-pg17
    namespace: postgres
  spec:
    instances: 1
"""
