"""Indexing: getitem/setitem, gather, scatter, index_select, masked ops, nonzero, take."""
