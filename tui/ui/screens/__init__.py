"""One module per wizard screen; ``base.DoctorScreen`` gives each the banner and footer."""
