/* The one place a product's stream name is spelled. */

const PREFIX = 'product-';

export function productStream(productId: string): string {
  return `${PREFIX}${productId}`;
}

/** The product id of a stream name, or null for any other stream. */
export function productIdOfStream(stream: string): string | null {
  return stream.startsWith(PREFIX) ? stream.slice(PREFIX.length) : null;
}
