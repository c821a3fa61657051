"""What each report shows, defined once for the screen and the downloads: its `Table`s
(`exports.Table`, one `Column` per header) and the lanes of its timeline charts.

A view queries, hands the rows to its report's function here and responds; a table never
queries on its own beyond the rows it is given (prefetches are the view's business).
`columns` holds the columns several reports share.
"""
