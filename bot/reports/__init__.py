"""Reports for the office and the council: aggregates in SQL, XLSX, charts, the council PDF,
the small-cell rule for anything that leaves the office, and the monthly report."""
