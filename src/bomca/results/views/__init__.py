"""Views of the results framework: the logframe and indicator pages (``pages``), the forms
that keep it (``changes``), and how values read for one user (``shown``)."""
