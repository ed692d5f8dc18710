"""`dbset-fn status`: what the cluster really did with each entry of a DatabaseSet.

live.py reads the live objects (kubectl's YAML, and Secrets' metadata only),
report.py joins them with what the package declares, entry by entry, output.py
writes the table, JSON or YAML, and command.py is `dbset-fn status` and the kubectl
plugin `kubectl-dbset`. What a live object's status means is its kind's to say
(kinds/, `verdict`); nothing here names a kind.
"""
