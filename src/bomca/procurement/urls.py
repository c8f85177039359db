from __future__ import annotations

app_name = "procurement"
urlpatterns: list = []
