"""The PDF HR receives, built with reportlab. Imported only when someone signs or exports."""
