"""Pages of the grants app: calls and applications, projects, and their follow-up.

Every view asks ``bomca.accounts.access`` what the user may see and change; writes go through
``bomca.grants.services``.
"""
