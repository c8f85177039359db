"""Dates and numbers as each language writes them (Django's ``FORMAT_MODULE_PATH``).

Templates and code name a format (``{{ day|date:"DATE_FORMAT" }}``, ``date_format(day)``)
rather than spell one out, so each language writes dates its own way: 27 November 2026 in
English, 27 ноября 2026 г. in Russian. Numbers follow the same modules: 1,234.50 and 1 234,50.
"""
