"""The DatabaseSet: its model, how it is loaded and checked, and how it explains itself.

Nothing here knows what is generated from it; see kinds/ and plan/.
"""
