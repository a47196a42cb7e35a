### The relying-party portal.

