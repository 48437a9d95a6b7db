"""The top-level names a Word template may use (README 'Word 模板'); checked by `validate`."""

CONTEXT_NAMES = {"zone", "year", "month", "period", "span", "title", "issuer", "date", "time_progress", "stage",
                 "checkpoint_reached", "show", "lead", "overview", "indicator_intro", "groups", "indicators",
                 "ledgers", "departments", "department_summary", "lagging", "project_issues", "suggestions",
                 "notes", "data_notes", "results", "headings", "tables", "charts", "chart", "red_lines",
                 "ranking_header", "subheads"}
