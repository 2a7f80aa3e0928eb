"""Charts drawn as inline SVG: no JavaScript, no CDN, readable offline and in print."""
