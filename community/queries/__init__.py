"""The read path: get_* (or None), access_*(actor, id) (or raise), list_* with paging."""
