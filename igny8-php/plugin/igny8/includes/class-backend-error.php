<?php
/**
 * The one exception the screens catch, whichever backend failed.
 *
 * @package Igny8
 */

namespace Igny8\WP;

defined( 'ABSPATH' ) || exit;

/**
 * A failure of IGNY8: the status and machine code of the REST API (`validation`, `not_found`,
 * `insufficient_credits`, `not_configured`, `provider`, …) and a validation failure's fields.
 */
class Backend_Error extends \RuntimeException {

	/** @var string */
	private $error_code;

	/** @var array<int, array{field: string, message: string}> */
	private $field_errors;

	public function __construct( string $message, int $status = 500, string $error_code = 'internal', array $field_errors = array(), ?\Throwable $previous = null ) {
		parent::__construct( $message, $status, $previous );
		$this->error_code   = $error_code;
		$this->field_errors = $field_errors;
	}

	public function status(): int {
		return (int) $this->getCode();
	}

	public function error_code(): string {
		return $this->error_code;
	}

	/** @return array<int, array{field: string, message: string}> */
	public function field_errors(): array {
		return $this->field_errors;
	}

	/** The message with the fields of a validation failure, for an admin notice. */
	public function describe(): string {
		$parts = array( $this->getMessage() );
		foreach ( $this->field_errors as $error ) {
			$parts[] = $error['field'] . ': ' . $error['message'];
		}
		return implode( ' — ', array_unique( array_filter( $parts ) ) );
	}
}
