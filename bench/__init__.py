"""Scripts that measure speed and scale and print their figures."""
