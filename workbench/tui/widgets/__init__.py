"""Reusable widgets, named by role. Widgets render what their screen pushes in; they never load."""
