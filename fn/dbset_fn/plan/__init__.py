"""From the items and the DatabaseSet to the output: choosing the Clusters, generating,
owning and pruning, what may not be overwritten, adopted or changed, and the report.

transform.py is the whole of it; every other module here is one of its steps.
"""
