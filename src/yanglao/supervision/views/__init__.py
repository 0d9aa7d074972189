"""Pages of supervision, split by concern: draws, inspections, complaints and the public pages
(draws.py); prepaid-fee custody (prepaid.py); grading, evaluation and credit (credit.py)."""
