"""Women's economy: fairs (exhibitors), the directory of women's businesses, and the
municipal entrepreneurship school (courses, attendance, certificates)."""
