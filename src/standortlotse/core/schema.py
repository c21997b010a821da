"""schema.org building blocks shared by the JSON-LD of all page types."""


def postal_address(street: str, postcode: str, locality: str, region: str) -> dict:
    return {
        "@type": "PostalAddress",
        "streetAddress": street,
        "postalCode": postcode,
        "addressLocality": locality,
        "addressRegion": region,
        "addressCountry": "DE",
    }


def geo(lat: float, lon: float) -> dict:
    return {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}
